"""Pages: open exceptions by carrier and country; adding and correcting tracking numbers on a ticket."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError, add_service_error
from helpdesk.links import page_url
from tickets.models import Ticket
from tickets.selectors import ticket_for_user

from . import selectors, services
from .forms import ExceptionFilterForm, TrackingForm
from .models import Shipment

UNPROCESSABLE = 422


@staff_view()
@require_GET
def exceptions(request: HttpRequest) -> HttpResponse:
    form = ExceptionFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    return render(
        request,
        "logistics/exceptions.html",
        {
            "nav": "logistics",
            "form": form,
            "counts": selectors.open_exception_counts(request.user),
            "rows": selectors.open_exceptions(request.user, **filters),
            "limit": selectors.MAX_LISTED,
        },
    )


def _form_page(
    request: HttpRequest,
    ticket: Ticket,
    form: TrackingForm,
    action: str,
    status: int = 200,
    shipment: Shipment | None = None,
) -> HttpResponse:
    context = {
        "ticket": ticket,
        "form": form,
        "action": action,
        "shipment": shipment,
        "back": page_url(ticket, "panel-logistics"),
    }
    return render(request, "logistics/tracking_form.html", context, status=status)


def _tracking(form: TrackingForm) -> dict[str, Any]:
    """What the tracking form gives the shipment services."""
    return {key: form.cleaned_data[key] for key in ("tracking_number", "carrier", "service_type")}


@staff_view()
@require_POST
def tracking_add(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, pk)
    form = TrackingForm(request.POST, prefix="tracking")
    if form.is_valid():
        try:
            shipment = services.shipment_add(
                ticket=ticket,
                actor=request.user,
                **_tracking(form),
            )
        except ServiceError as error:
            add_service_error(form, error, fallback="tracking_number")
        else:
            messages.success(
                request,
                _("Tracking number %(number)s added (%(carrier)s).")
                % {"number": shipment.tracking_number, "carrier": shipment.carrier},
            )
            return redirect(page_url(ticket, "panel-logistics"))
    return _form_page(request, ticket, form, request.path, status=UNPROCESSABLE)


@staff_view()
@require_http_methods(["GET", "POST"])
def shipment_edit(request: HttpRequest, pk: int, shipment_pk: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, pk)
    if ticket.order_id is None:
        raise Http404
    shipment = Shipment.objects.select_related("carrier").filter(pk=shipment_pk, order_id=ticket.order_id).first()
    if shipment is None:
        raise Http404
    if request.method != "POST":
        initial = {
            "tracking_number": shipment.tracking_number,
            "carrier": shipment.carrier_id,
            "service_type": shipment.service_type,
        }
        return _form_page(
            request, ticket, TrackingForm(initial=initial, prefix="tracking"), request.path, shipment=shipment
        )
    form = TrackingForm(request.POST, prefix="tracking")
    if form.is_valid():
        try:
            services.shipment_correct(
                ticket=ticket,
                shipment=shipment,
                actor=request.user,
                **_tracking(form),
            )
        except ServiceError as error:
            add_service_error(form, error, fallback="tracking_number")
        else:
            messages.success(request, _("Shipment updated."))
            return redirect(page_url(ticket, "panel-logistics"))
    return _form_page(request, ticket, form, request.path, status=UNPROCESSABLE, shipment=shipment)
