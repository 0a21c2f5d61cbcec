"""Pieces shared by the ticket services: history events, access checks, search text, customer care."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
from helpdesk.errors import NotAllowed, NotFound, ServiceError
from workspace.live.streams import Change, publish_many

from ..history import is_event_kind
from ..models import Priority, Ticket, TicketEvent, Tier
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
    publish_many(ticket_changes(ticket.pk, _told_teams(ticket.team_id, kind, old), "event", event=str(kind)))
    return event


def _told_teams(team_id: int | None, kind: str, old: Any) -> list[int | None]:
    """The teams whose live pages hear of an event: the ticket's, and the one it left on a move."""
    return [team_id, int(old)] if kind == "team" and str(old).isdigit() else [team_id]


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
        for ticket_id, kind, old, _new in rows
        for change in ticket_changes(ticket_id, _told_teams(teams.get(ticket_id), kind, old), "event", event=kind)
    )


def only_ticket(ticket: Ticket, refused: dict[int, ServiceError]) -> Ticket:
    """A single-ticket service is its batch form with one ticket: raise that ticket's refusal, if any."""
    if ticket.pk in refused:
        raise refused[ticket.pk]
    return ticket


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


# --- Customer care: how a customer's standing changes the handling of their new tickets, without tickets
# knowing why. An app above tickets (insights: segments) registers a provider in its AppConfig.ready():
#
#     from tickets.services import register_care_provider
#     register_care_provider("segments", care_for_customers)
#
# `provider(customer_ids)` returns {customer id: Care} for those it has a standing for, in a fixed number
# of queries however many customers (a batch of tickets asks for all its customers at once). Several
# providers combine: the largest priority bump, the tightest first-response target and the most senior
# tier win. With no provider, nothing changes.

TIER_RANK: dict[str, int] = {Tier.L1.value: 1, Tier.L2.value: 2, Tier.L3.value: 3}


@dataclass(frozen=True)
class Care:
    priority_bump: int = 0  # steps above the priority the ticket arrived with (capped at Urgent)
    first_response_minutes: int | None = None  # a tighter first-response target, if any
    min_tier: str = ""  # "L2" or "L3": give the ticket to an agent of that tier or above when one is on shift
    queue_rank: int = 0  # higher comes first where customers queue to talk to a person (the chat)

    def combine(self, other: Care) -> Care:
        minutes = [m for m in (self.first_response_minutes, other.first_response_minutes) if m]
        return Care(
            priority_bump=max(self.priority_bump, other.priority_bump),
            first_response_minutes=min(minutes) if minutes else None,
            min_tier=max((self.min_tier, other.min_tier), key=lambda t: TIER_RANK.get(t, 0)),
            queue_rank=max(self.queue_rank, other.queue_rank),
        )


NO_CARE = Care()
_PROVIDERS: dict[str, Callable[[set[int]], dict[int, Care]]] = {}


def register_care_provider(name: str, provider: Callable[[set[int]], dict[int, Care]]) -> None:
    _PROVIDERS[name] = provider


def unregister_care_provider(name: str) -> None:
    _PROVIDERS.pop(name, None)


def cares_for(customer_ids: Iterable[int]) -> dict[int, Care]:
    ids = set(customer_ids)
    cares = dict.fromkeys(ids, NO_CARE)
    for provider in _PROVIDERS.values():
        for customer_id, found in provider(ids).items():
            cares[customer_id] = cares[customer_id].combine(found)
    return cares


def care_for(customer_id: int) -> Care:
    return cares_for([customer_id])[customer_id]


def raised_priority(priority: int, care: Care) -> int:
    return min(int(Priority.URGENT), int(priority) + max(0, care.priority_bump))


def tighter_first_response(minutes: int, care: Care) -> int:
    return min(minutes, care.first_response_minutes) if care.first_response_minutes else minutes


def meets_tier(tier: str, care: Care) -> bool:
    return TIER_RANK.get(tier, 0) >= TIER_RANK.get(care.min_tier, 0)
