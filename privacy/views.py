"""The customer data page (supervisors and admins): what is held, an export, an erasure request."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from helpdesk import roles
from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError
from tickets.models import Customer

from . import services
from .models import ErasureRequest
from .selectors import customer_for


class ErasureForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (as the customer asked)"), max_length=200, required=False)
    confirm = forms.BooleanField(label=gettext_lazy("I have checked the list of what will be erased."))


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _page(request: HttpRequest, customer: Customer, form: ErasureForm | None = None) -> HttpResponse:
    context = {
        "customer": customer,
        "planned": services.erasure_dry_run(customer=customer),
        "requests": ErasureRequest.objects.filter(customer=customer).order_by("-requested_at"),
        "pending": ErasureRequest.objects.filter(customer=customer, state=ErasureRequest.State.PENDING).first(),
        "form": form or ErasureForm(),
    }
    return render(request, "privacy/customer.html", context, status=200 if form is None else 422)


@staff_view(roles.SUPERVISE)
@require_GET
def customer_data(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, customer_for(request.user, pk))


@staff_view(roles.SUPERVISE)
@require_POST
def export(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for(request.user, pk)
    archive = services.customer_export(customer=customer, actor=request.user, request=request)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{services.export_filename(customer)}"'
    return response


@staff_view(roles.SUPERVISE)
@require_POST
def erasure_request(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_for(request.user, pk)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _page(request, customer, form)
    try:
        erasure = services.erasure_request(
            customer=customer, actor=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The erasure is planned for %(when)s; it can be cancelled until then.") % {"when": _when(erasure.due_at)},
        )
    return redirect("privacy:customer", pk=customer.pk)


@staff_view(roles.SUPERVISE)
@require_POST
def erasure_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = get_object_or_404(ErasureRequest, pk=pk)
    customer_for(request.user, erasure.customer_id)  # only for a customer they may see
    try:
        services.erasure_cancel(erasure=erasure, actor=request.user, request=request)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The erasure was cancelled."))
    return redirect("privacy:customer", pk=erasure.customer_id)
