"""Pieces shared by the ticket services: history events, access checks, search text."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import NotAllowed, NotFound

from ..models import Ticket, TicketEvent
from ..scope import can_see_ticket

SEARCH_TEXT_LIMIT = 20_000


def record_event(ticket: Ticket, actor: Any, kind: str, old: Any = "", new: Any = "") -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        old_value=str(old if old is not None else "")[:255],
        new_value=str(new if new is not None else "")[:255],
    )


def ensure_can_work(actor: Any, ticket: Ticket) -> None:
    """Staff may change only the tickets they can see; others are told it does not exist."""
    if actor is None:  # the system itself (periodic tasks, inbound channels)
        return
    if not roles.is_agent(actor):
        raise NotAllowed(_("You are not allowed to do this."))
    if not can_see_ticket(actor, ticket):
        raise NotFound(_("Ticket not found."))


def append_search_text(ticket: Ticket, *parts: str) -> None:
    text = "\n".join([ticket.search_text, *[p for p in parts if p]]).strip()[:SEARCH_TEXT_LIMIT]
    ticket.search_text = text
    Ticket.objects.filter(pk=ticket.pk).update(search_text=text)
    if settings.DATABASE_IS_POSTGRES:
        Ticket.objects.filter(pk=ticket.pk).update(search_vector=SearchVector("search_text", config="simple"))
