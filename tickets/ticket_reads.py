"""What the ticket page reads besides the ticket itself: its thread and files, history, failed
emails, the customer's other tickets and orders, the category's facts and the canned replies. Each
read's SQL is compiled once (helpdesk/prepared.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation

from helpdesk.prepared import Prepared

from .models import Attachment, CannedReply, CategoryField, Message, Order, OutboundEmail, Ticket, TicketEvent
from .placeholders import fill_placeholders, placeholder_values
from .scope import ticket_scope, within_scope

_THREAD = Prepared(
    lambda ticket_id: Message.objects.filter(ticket_id=ticket_id).select_related("author").order_by("created_at", "id"),
    ticket_id=int,
)
_THREAD_FILES = Prepared(
    lambda ticket_id: Attachment.objects.filter(message__ticket_id=ticket_id).order_by("pk"), ticket_id=int
)


def ticket_thread(ticket: Ticket) -> list[Message]:
    """The ticket's messages, oldest first, each with its author and its files (`message.attachments.all`)."""
    messages = _THREAD.objects(ticket_id=ticket.pk)
    files: dict[int, list[Attachment]] = {}
    for file in _THREAD_FILES.objects(ticket_id=ticket.pk):
        files.setdefault(file.message_id, []).append(file)
    for message in messages:
        attached = message.attachments.all()  # what prefetch_related("attachments") would have kept
        attached._result_cache, attached._prefetch_done = files.get(message.pk, []), True
        message._prefetched_objects_cache = {"attachments": attached}
    return messages


_EVENTS = Prepared(
    lambda ticket_id: (
        TicketEvent.objects.filter(ticket_id=ticket_id).select_related("actor").order_by("-created_at", "-id")
    ),
    ticket_id=int,
)


def ticket_events(ticket: Ticket) -> list[TicketEvent]:
    return _EVENTS.objects(ticket_id=ticket.pk)


_FAILED_EMAILS = Prepared(
    lambda ticket_id: (
        OutboundEmail.objects.filter(ticket_id=ticket_id)
        .filter(Q(state=OutboundEmail.State.FAILED) | (Q(attempts__gt=0) & ~Q(last_error="")))
        .exclude(state=OutboundEmail.State.SENT)
        .defer("body_text", "body_html")
        .order_by("-created_at")
    ),
    ticket_id=int,
)


def ticket_failed_emails(ticket: Ticket) -> list[OutboundEmail]:
    """Emails to the customer that failed, or are being retried after an error."""
    return _FAILED_EMAILS.objects(ticket_id=ticket.pk)


def _other_tickets(shape: tuple[str, int], customer_id: int, pk: int, user_id: int, team_id: int) -> QuerySet[Ticket]:
    scope, limit = shape
    tickets = within_scope(Ticket.objects.filter(customer_id=customer_id).exclude(pk=pk), scope, user_id, team_id)
    return tickets.defer("search_text", "search_vector", "facts").order_by("-created_at")[:limit]


_OTHER_TICKETS = Prepared(_other_tickets, customer_id=int, pk=int, user_id=int, team_id=int)
_ORDERS = Prepared(
    lambda limit, customer_id: Order.objects.filter(customer_id=customer_id).order_by("-placed_at")[:limit],
    customer_id=int,
)


def customer_other_tickets(user: Any, ticket: Ticket, limit: int = 10) -> list[Ticket]:
    scope, user_id, team_id = ticket_scope(user)
    return _OTHER_TICKETS.objects(
        shape=(scope, limit), customer_id=ticket.customer_id, pk=ticket.pk, user_id=user_id, team_id=team_id
    )


def customer_orders(ticket: Ticket, limit: int = 10) -> list[Order]:
    return _ORDERS.objects(shape=limit, customer_id=ticket.customer_id)


_CATEGORY_FIELDS = Prepared(lambda category_id: CategoryField.objects.filter(category_id=category_id), category_id=int)


def category_fields(category_id: int | None) -> list[CategoryField]:
    """The facts a category asks for, in their order (none without a category)."""
    return _CATEGORY_FIELDS.objects(category_id=category_id) if category_id else []


def _canned(shape: tuple[bool, bool], category_id: int, team_id: int) -> QuerySet[CannedReply]:
    with_category, with_team = shape
    return CannedReply.objects.filter(
        Q(category__isnull=True) | Q(category_id=category_id) if with_category else Q(category__isnull=True),
        Q(team__isnull=True) | Q(team_id=team_id) if with_team else Q(team__isnull=True),
    ).order_by("title")


_CANNED = Prepared(_canned, category_id=int, team_id=int)


def canned_replies_for(ticket: Ticket, agent: Any) -> list[tuple[CannedReply, str]]:
    """Canned replies that fit the ticket, in the order of their titles in the ticket's language, with
    their text in that language (English when untranslated) and the placeholders filled in."""
    values = placeholder_values(ticket, agent)
    shape = (ticket.category_id is not None, ticket.team_id is not None)
    with translation.override(ticket.language):
        replies = _CANNED.objects(shape=shape, category_id=ticket.category_id or 0, team_id=ticket.team_id or 0)
        return [(reply, fill_placeholders(reply.body or "", values)) for reply in replies]
