"""The emails customers get about their tickets, in the ticket's language."""

from __future__ import annotations

from django.conf import settings

from ..models import Message, Ticket
from .email import email_queue


def _context(ticket: Ticket, **extra: object) -> dict[str, object]:
    return {"ticket": ticket, "customer": ticket.customer, "site_url": settings.SITE_URL, **extra}


def ticket_acknowledge(*, ticket: Ticket) -> None:
    email_queue(
        key=f"ticket-ack:{ticket.pk}",
        to=ticket.customer.email,
        template="tickets/acknowledgement",
        context=_context(ticket, message=ticket.messages.first()),
        language=ticket.language,
        time_zone=ticket.customer.time_zone,
        ticket=ticket,
    )


def reply_email(*, ticket: Ticket, message: Message) -> None:
    email_queue(
        key=f"reply:{message.pk}",
        to=ticket.customer.email,
        template="tickets/reply",
        context=_context(ticket, message=message),
        language=ticket.language,
        time_zone=ticket.customer.time_zone,
        ticket=ticket,
        message=message,
    )
