"""What a verified customer asks for from the order page, through the products' own services:
a ticket through the intake (the web channel, the order linked), a return through the returns app."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from helpdesk.errors import NotFound
from returns.models import ReturnRequest
from returns.services import return_request
from tickets.models import Category, Channel, Customer, Order, Ticket
from tickets.services import message_receive_from_customer, ticket_close_by_customer, ticket_create


def problem_report(*, order: Order, category: Category, body: str, language: str) -> Ticket:
    """A ticket of the customer about the order, in the chosen category, acknowledged by email."""
    with translation.override(language):
        subject = _("Order %(order)s: %(category)s") % {"order": order.external_number, "category": category.name}
    return ticket_create(
        customer=order.customer,
        subject=subject[:255],
        body=body,
        channel=Channel.WEB,
        category=category,
        order=order,
        language=language,
        acknowledge=True,
    )


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
