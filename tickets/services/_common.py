"""Pieces shared by the ticket services: history events, access checks, search text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db.models import F, Value
from django.db.models.functions import Concat, Left, Right, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.bulk import insert_rows
from helpdesk.errors import NotAllowed, NotFound
from workspace.live.streams import Change, publish_many

from ..history import is_event_kind
from ..models import Ticket, TicketEvent
from ..scope import can_see_ticket

SEARCH_HEAD = 2_000  # the subject, the customer and the start of the first message stay searchable
SEARCH_TAIL = 18_000  # and so do the latest messages, however long the ticket grows

# (ticket id, kind, old value, new value) of an event recorded by the system
EventToRecord = tuple[int, str, Any, Any]


def _checked_kind(kind: str) -> str:
    """Every kind recorded has a translated label: an unregistered one is a programming error."""
    if not is_event_kind(kind):
        raise ValueError(f"unregistered ticket event kind {kind!r}: register it with tickets.history")
    return str(kind)


def _value(value: Any) -> str:
    return str(value if value is not None else "")[:255]


def ticket_changes(ticket_id: int, team_ids: Iterable[int | None], kind: str, **payload: Any) -> list[Change]:
    """What the live pages hear of a change to a ticket: its own stream, and the queue rows of its
    team (of both teams when it moved)."""
    changes: list[Change] = [(f"ticket:{ticket_id}", kind, payload)]
    teams = sorted({team_id for team_id in team_ids if team_id})
    changes += [(f"queue:team:{team_id}", "row", {"ticket": ticket_id}) for team_id in teams]
    return changes


def record_event(ticket: Ticket, actor: Any, kind: str, old: Any = "", new: Any = "") -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=_checked_kind(kind),
        old_value=_value(old),
        new_value=_value(new),
    )
    teams = [ticket.team_id, int(old)] if kind == "team" and str(old).isdigit() else [ticket.team_id]
    publish_many(ticket_changes(ticket.pk, teams, "event", event=str(kind)))
    return event


def record_events(rows: Iterable[EventToRecord], *, created: datetime | None = None, actor: Any = None) -> None:
    """Many events, by the system (a sweep) or by one person (a batch of tickets changed at once), in
    one INSERT whatever their number."""
    created = created or timezone.now()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    rows = [(ticket_id, _checked_kind(kind), old, new) for ticket_id, kind, old, new in rows]
    insert_rows(
        TicketEvent,
        ("ticket_id", "actor_id", "kind", "old_value", "new_value", "created_at"),
        [(ticket_id, actor_id, kind, _value(old), _value(new), created) for ticket_id, kind, old, new in rows],
    )
    teams = dict(Ticket.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "team_id"))
    publish_many(
        change
        for ticket_id, kind, _old, _new in rows
        for change in ticket_changes(ticket_id, [teams.get(ticket_id)], "event", event=kind)
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
    """Add text to what the ticket is found by, in one UPDATE so concurrent messages all count."""
    addition = "\n" + "\n".join(p for p in parts if p)
    combined = Concat(F("search_text"), Value(addition))
    kept = Concat(Left(combined, SEARCH_HEAD), Right(Substr(combined, SEARCH_HEAD + 1), SEARCH_TAIL))
    Ticket.objects.filter(pk=ticket.pk).update(search_text=kept)
    if settings.DATABASE_IS_POSTGRES:
        Ticket.objects.filter(pk=ticket.pk).update(search_vector=SearchVector("search_text", config="simple"))
    ticket.search_text = Ticket.objects.values_list("search_text", flat=True).get(pk=ticket.pk)
