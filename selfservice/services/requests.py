"""What a verified customer asks for from the order page, through the products' own services:
a ticket through the intake (the web channel, the order linked), a return through the returns app."""

from __future__ import annotations

from contextlib import suppress

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from helpdesk.errors import NotFound, ServiceError
from logistics.models import Shipment
from returns.models import ReturnRequest
from returns.services import return_request
from tickets.models import Category, CategoryField, Channel, Customer, Order, Ticket
from tickets.services import (
    message_receive_from_customer,
    ticket_close_by_customer,
    ticket_create,
    ticket_record_facts,
)


def problem_report(*, order: Order, category: Category, body: str, language: str) -> Ticket:
    """A ticket of the customer about the order, in the chosen category, acknowledged by email."""
    with translation.override(language):
        subject = _("Order %(order)s: %(category)s") % {"order": order.external_number, "category": category.name}
    ticket = ticket_create(
        customer=order.customer,
        subject=subject[:255],
        body=body,
        channel=Channel.WEB,
        category=category,
        order=order,
        language=language,
        acknowledge=True,
    )
    _fill_known_facts(ticket, order)
    return ticket


def _fill_known_facts(ticket: Ticket, order: Order) -> None:
    """The category's facts we already know from the order and its latest parcel: no agent asks again."""
    parcel = Shipment.objects.filter(order=order).order_by("-created_at", "-id").first()
    known = {
        "order_number": order.external_number,
        "tracking_number": parcel.tracking_number if parcel else "",
        "destination_country": (parcel.destination_country if parcel else "") or order.ship_to_country,
        "ship_date": parcel.shipped_at.date().isoformat() if parcel and parcel.shipped_at else "",
    }
    wanted = set(CategoryField.objects.filter(category=ticket.category).values_list("key", flat=True))
    for key, value in known.items():
        if key in wanted and value:
            with suppress(ServiceError):  # a value the field refuses is simply left for the agent
                ticket_record_facts(ticket=ticket, facts={key: value}, actor=None)


@transaction.atomic
def return_from_order_page(
    *, order: Order, kind: str, reason: str, sku: str, quantity: int, detail: str, language: str
) -> ReturnRequest:
    """A return requested by the customer (actor None): a ticket carries it, and the returns app
    judges it. When it refuses (a ServiceError), nothing is kept, the ticket included."""
    with translation.override(language):
        subject = _("Return of order %(order)s") % {"order": order.external_number}
    ticket = ticket_create(
        customer=order.customer,
        subject=subject,
        body=detail or subject,
        channel=Channel.WEB,
        order=order,
        language=language,
    )
    return return_request(
        ticket=ticket,
        actor=None,
        kind=kind,
        reason=reason,
        items=[{"sku": sku, "quantity": quantity}],
        reason_detail=detail,
    )


def request_reply(*, customer: Customer, ticket: Ticket, body: str) -> None:
    """The customer's reply from their requests page, through the intake (a closed one gets a follow-up)."""
    _own(customer, ticket)
    message_receive_from_customer(ticket=ticket, body=body, channel=Channel.WEB)


def request_close(*, customer: Customer, ticket: Ticket) -> None:
    """The customer no longer needs the request."""
    _own(customer, ticket)
    ticket_close_by_customer(ticket=ticket)


def _own(customer: Customer, ticket: Ticket) -> None:
    if ticket.customer_id != customer.pk:
        raise NotFound(_("Request not found."))
