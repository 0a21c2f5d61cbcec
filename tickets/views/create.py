"""An agent opens a ticket on a customer's behalf, from a phone call or a chat."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError, add_service_error
from helpdesk.links import page_url

from .. import services
from ..forms import CreateTicketForm
from ..models import Customer, Order, Ticket
from ..scope import can_see_ticket
from .ticket import UNPROCESSABLE


def _initial(request: HttpRequest) -> dict[str, object]:
    """Prefill from ?customer=<id> (the 'new ticket for this customer' link)."""
    pk = request.GET.get("customer", "")
    customer = Customer.objects.filter(pk=pk).first() if pk.isdigit() else None
    if customer is None:
        return {"channel": "phone"}
    return {
        "channel": "phone",
        "email": customer.email,
        "name": customer.name,
        "language": customer.language,
        "country": customer.country,
    }


def _create(request: HttpRequest, form: CreateTicketForm) -> Ticket:
    data = form.cleaned_data
    # One transaction: a refused ticket leaves no half-made customer behind.
    with transaction.atomic():
        customer = services.customer_get_or_create(
            email=data["email"],
            name=data["name"],
            language=data["language"] or None,
            country=data["country"],
        )
        order = None
        if data["order_number"].strip():
            order = Order.objects.filter(customer=customer, external_number=data["order_number"].strip()).first()
            if order is None:
                raise ServiceError(_("This customer has no order with that number."), field="order_number")
        return services.ticket_create(
            actor=request.user,
            customer=customer,
            subject=data["subject"],
            body=data["body"],
            channel=data["channel"],
            category=data["category"],
            order=order,
            priority=data["priority"],
            language=data["language"] or None,
            attachments=request.FILES.getlist("attachments"),
        )


@staff_view()
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CreateTicketForm(request.POST)
        if form.is_valid():
            try:
                ticket = _create(request, form)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                if can_see_ticket(request.user, ticket):
                    messages.success(request, _("Ticket %(ref)s created.") % {"ref": ticket.reference})
                    return redirect(page_url(ticket))
                messages.success(
                    request,
                    _("Ticket %(ref)s created and routed to team %(team)s.")
                    % {"ref": ticket.reference, "team": ticket.team.name},
                )
                return redirect("tickets:queue")
        if form.errors and request.FILES:
            form.add_error(None, _("Choose the files again: a browser cannot keep them across a refusal."))
        status = UNPROCESSABLE
    else:
        form = CreateTicketForm(initial=_initial(request))
        status = 200
    return render(request, "tickets/create.html", {"nav": "create", "form": form}, status=status)


@staff_view()
@require_GET
def customer_lookup(request: HttpRequest) -> HttpResponse:
    """The customer an email belongs to, with recent orders, shown while the agent types."""
    email = request.GET.get("email", "").strip()
    customer = Customer.objects.filter(email__iexact=email).first() if "@" in email else None
    orders = list(Order.objects.filter(customer=customer).order_by("-placed_at")[:5]) if customer else []
    return render(request, "tickets/_customer_lookup.html", {"customer": customer, "orders": orders})
