"""The automatic answer to an email asking where an order is (AUTO_ANSWER_WHERE_IS_MY_ORDER).

A new ticket that came by email, from a customer with an order whose parcels we track and none of
which is in trouble (an open exception is an agent's business), whose first message asks where the
order is (`selfservice.intents`), gets one email in the ticket's language: each parcel's latest
status and a signed link to the order page. The answer is kept in the thread as a message sent
automatically (neither the customer's nor an agent's, so it meets no clock: the first-response
target keeps running) and in the history as an `AUTO_ANSWERED` event. The ticket's status does not
change: it stays open for the customer's reply and for an agent.

Once per ticket: the ticket row is locked and its history read first, and the email's send-log key
is the ticket's, so a task run twice sends and records nothing twice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from logistics.choices import Direction
from logistics.models import Shipment
from logistics.selectors import shipments_for_order
from tickets.history import ticket_event_record
from tickets.models import Channel, MessageKind, Order, Status, Ticket, TicketEvent
from tickets.services import email_queue, message_add_system

from ..history import SelfServiceEventKind
from ..intents import Intent, detect_intent
from ..selectors import customer_zone
from .access import order_link_token

TEMPLATE = "selfservice/where_is_my_order"


def send_key(ticket: Ticket) -> str:
    return f"selfservice-auto-answer:{ticket.pk}"


def _answerable(ticket: Ticket) -> bool:
    """A new email ticket nobody has answered yet, whose customer has an email address."""
    return (
        ticket.channel == Channel.EMAIL
        and ticket.status in (Status.NEW, Status.OPEN)
        and ticket.merged_into_id is None
        and ticket.first_response_at is None
        and bool(ticket.customer.email)
    )


def _asks_where_the_order_is(ticket: Ticket) -> str:
    """The text of the customer's first message (with the subject) when it asks where an order is."""
    first = ticket.messages.filter(kind=MessageKind.CUSTOMER).order_by("created_at", "id").first()
    text = f"{ticket.subject}\n{first.body}" if first else ""
    return text if text and detect_intent(text, ticket.language) == Intent.WHERE_IS_MY_ORDER else ""


def order_asked_about(ticket: Ticket, text: str) -> Order | None:
    """The ticket's order; else the customer's order whose number the text names; else their latest
    order with a parcel sent."""
    if ticket.order_id is not None:
        return ticket.order
    orders = Order.objects.filter(customer_id=ticket.customer_id).order_by("-placed_at", "-id")
    folded = text.casefold()
    for order in orders.only("external_number")[:50]:
        if order.external_number and order.external_number.casefold() in folded:
            return orders.get(pk=order.pk)
    sent = Shipment.objects.filter(direction=Direction.OUTBOUND).values("order_id")
    return orders.filter(pk__in=sent).first()


def parcels_to_tell(order: Order) -> list[Shipment]:
    """The order's outbound parcels with their timelines, or none at all when one has an open exception."""
    parcels = [s for s in shipments_for_order(order.pk) if s.direction == Direction.OUTBOUND]
    return [] if any(getattr(s, "open_exceptions", ()) for s in parcels) else parcels


def order_page_link(order: Order, language: str) -> str:
    path = reverse("selfservice:link", args=[order_link_token(order=order)])
    return f"{settings.SITE_URL}{path}?{urlencode({'lang': language})}"


@transaction.atomic
def where_is_my_order_answer(*, ticket_id: int) -> bool:
    """Answer the ticket automatically when it asks where an order we can tell about is; True when
    it was answered now."""
    if not settings.AUTO_ANSWER_WHERE_IS_MY_ORDER:
        return False
    ticket = (
        Ticket.objects.select_for_update(of=("self",)).select_related("customer", "order").filter(pk=ticket_id).first()
    )
    if ticket is None or not _answerable(ticket):
        return False
    if TicketEvent.objects.filter(ticket=ticket, kind=SelfServiceEventKind.AUTO_ANSWERED).exists():
        return False
    text = _asks_where_the_order_is(ticket)
    order = order_asked_about(ticket, text) if text else None
    parcels = parcels_to_tell(order) if order is not None else []
    if order is None or not parcels:
        return False
    customer = ticket.customer
    context: dict[str, Any] = {"ticket": ticket, "customer": customer, "order": order, "shipments": parcels}
    with translation.override(ticket.language), timezone.override(customer_zone(customer.time_zone)):
        # The thread keeps what was said, without the link that opens the order.
        body = render_to_string(f"emails/{TEMPLATE}.txt", {**context, "link": ""}).strip()
    message = message_add_system(ticket=ticket, body=body)
    ticket_event_record(ticket=ticket, kind=SelfServiceEventKind.AUTO_ANSWERED, data={"new": order.external_number})
    email_queue(
        key=send_key(ticket),
        to=customer.email,
        template=TEMPLATE,
        context={**context, "link": order_page_link(order, ticket.language)},
        language=ticket.language,
        time_zone=customer.time_zone,
        ticket=ticket,
        message=message,
    )
    return True
