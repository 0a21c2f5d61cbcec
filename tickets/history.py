"""A ticket's history: the one way any app writes an event into it (`ticket_event_record`, and
`ticket_events_record` for many at once), one translated label per kind of event, kept here for every
app (each registers its own kinds in its AppConfig.ready), and the recorded values shown by what
they name: people by their names, facts by their field labels, codes by their labels, all in the
viewer's language at the time of reading.

Events store what was true when they were written (ids, usernames, slugs, codes); the names are
looked up when the history is shown, in a fixed number of queries whatever its length. Every event
is told to the live pages of its ticket and of its team's queue (`ticket_changes`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.bulk import insert_rows
from helpdesk.names import person_name
from workspace.live.streams import Change, publish_many

from .models import Category, CategoryField, Channel, Priority, Status, Team, Ticket, TicketEvent


class TicketEventKind(models.TextChoices):
    """The kinds of event the tickets app records itself; other apps add theirs with register_event_kinds."""

    CREATED = "created", _("Created")
    STATUS = "status", _("Status")
    ASSIGNEE = "assignee", _("Assignee")
    PRIORITY = "priority", _("Priority")
    CATEGORY = "category", _("Category")
    LANGUAGE = "language", _("Language")
    TEAM = "team", _("Team")
    FACTS = "facts", _("Facts recorded")
    MERGED_INTO = "merged_into", _("Merged into")
    MERGED_FROM = "merged_from", _("Merged from")
    FOLLOW_UP = "follow_up", _("Follow-up opened")
    TAGS = "tags", _("Tags")
    MACRO = "macro", _("Macro applied")
    CUSTOMER_MERGED = "customer_merged", _("Customer merged")


_LABELS: dict[str, Any] = {}


def register_event_label(kind: str, label: Any) -> None:
    """Give a kind of ticket event its label (a lazy translation); a later registration wins."""
    _LABELS[kind] = label


def register_event_kinds(kinds: type[models.TextChoices]) -> None:
    """Register an app's kinds of ticket event, each with its translated label (in its AppConfig.ready)."""
    for kind in kinds:
        register_event_label(kind.value, kind.label)


def is_event_kind(kind: str) -> bool:
    """Whether some app registered this kind: only registered kinds may be recorded."""
    return kind in _LABELS


def event_kinds() -> dict[str, Any]:
    """Every registered kind with its label."""
    return dict(_LABELS)


def event_label(kind: str) -> str:
    """The kind's label in the active language; the kind itself when no app registered it."""
    return str(_LABELS.get(kind, kind))


register_event_kinds(TicketEventKind)


# --- Writing events

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


def _told_teams(team_id: int | None, kind: str, old: Any) -> list[int | None]:
    """The teams whose live pages hear of an event: the ticket's, and the one it left on a move."""
    return [team_id, int(old)] if kind == "team" and str(old).isdigit() else [team_id]


def ticket_event_record(
    *, ticket: Ticket, kind: str, actor: Any = None, data: dict[str, Any] | None = None
) -> TicketEvent:
    """Record one event of `kind` on the ticket (a kind registered here, with its label). `data` holds
    the values shown with it: "old" (what was true before, if anything) and "new"."""
    data = data or {}
    old = data.get("old", "")
    event = TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=_checked_kind(kind),
        old_value=_value(old),
        new_value=_value(data.get("new", "")),
    )
    publish_many(ticket_changes(ticket.pk, _told_teams(ticket.team_id, kind, old), "event", event=str(kind)))
    return event


def ticket_events_record(
    rows: Iterable[EventToRecord], *, created: datetime | None = None, actor: Any = None, also: Iterable[Change] = ()
) -> None:
    """Many events, by the system (a sweep) or by one person (a batch of tickets changed at once), in
    one INSERT whatever their number; the live pages are told of them, and of the changes `also`
    holds, in one write."""
    created = created or timezone.now()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    rows = [(ticket_id, _checked_kind(kind), old, new) for ticket_id, kind, old, new in rows]
    insert_rows(
        TicketEvent,
        ("ticket_id", "actor_id", "kind", "old_value", "new_value", "created_at"),
        [(ticket_id, actor_id, kind, _value(old), _value(new), created) for ticket_id, kind, old, new in rows],
    )
    teams = dict(Ticket.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "team_id"))
    changes = [
        change
        for ticket_id, kind, old, _new in rows
        for change in ticket_changes(ticket_id, _told_teams(teams.get(ticket_id), kind, old), "event", event=kind)
    ]
    publish_many([*changes, *also])


# --- Reading the history


@dataclass(frozen=True)
class EventRow:
    when: Any
    actor: Any
    actor_name: str
    label: str
    old: str
    new: str


class _Names:
    """The names behind the values of a list of events, read with one query per kind of thing."""

    def __init__(self, ticket: Ticket | None, events: list[TicketEvent]) -> None:
        values: dict[str, set[str]] = {}
        for event in events:
            values.setdefault(event.kind, set()).update(v for v in (event.old_value, event.new_value) if v)
        self.people = self._people(values.get(TicketEventKind.ASSIGNEE, set()))
        self.categories = self._by_pk_or_key(Category, "slug", values.get(TicketEventKind.CATEGORY, set()))
        self.teams = self._by_pk_or_key(Team, "slug", values.get(TicketEventKind.TEAM, set()))
        self.facts = self._fact_labels(ticket, values.get(TicketEventKind.FACTS, set()))
        self.languages = {code: str(name) for code, name in settings.LANGUAGES}

    @staticmethod
    def _split(values: Iterable[str]) -> tuple[set[int], set[str]]:
        ids = {int(v) for v in values if v.isdigit() and len(v) < 18}
        return ids, set(values)

    def _people(self, values: set[str]) -> dict[str, str]:
        if not values:
            return {}
        ids, keys = self._split(values)
        users = get_user_model().objects.filter(Q(pk__in=ids) | Q(username__in=keys))
        names: dict[str, str] = {}
        for user in users:
            names[str(user.pk)] = names[user.get_username()] = person_name(user)
        return names

    def _by_pk_or_key(self, model: Any, key: str, values: set[str]) -> dict[str, str]:
        if not values:
            return {}
        ids, keys = self._split(values)
        names: dict[str, str] = {}
        for row in model.objects.filter(Q(pk__in=ids) | Q(**{f"{key}__in": keys})):
            names[str(row.pk)] = names[getattr(row, key)] = str(row)
        return names

    @staticmethod
    def _fact_labels(ticket: Ticket | None, values: set[str]) -> dict[str, str]:
        keys = {key.strip() for value in values for key in value.split(",") if key.strip()}
        if not keys:
            return {}
        labels: dict[str, str] = {}
        # The ticket's category first; a key of a category the ticket had before, by any category's label.
        fields = CategoryField.objects.filter(key__in=keys).order_by("category_id", "position")
        for field in fields:
            label = str(field.label or "")
            if label and ((ticket and field.category_id == ticket.category_id) or field.key not in labels):
                labels[field.key] = label
        return labels

    def shown(self, kind: str, value: str) -> str:
        if not value:
            return ""
        lookup: dict[str, Callable[[str], str]] = {
            TicketEventKind.STATUS: lambda v: str(Status(v).label) if v in Status.values else v,
            TicketEventKind.PRIORITY: lambda v: (
                str(Priority(int(v)).label) if v.isdigit() and int(v) in Priority.values else v
            ),
            TicketEventKind.CREATED: lambda v: str(Channel(v).label) if v in Channel.values else v,
            TicketEventKind.ASSIGNEE: lambda v: self.people.get(v, v),
            TicketEventKind.CATEGORY: lambda v: self.categories.get(v, v),
            TicketEventKind.TEAM: lambda v: self.teams.get(v, v),
            TicketEventKind.LANGUAGE: lambda v: self.languages.get(v, v),
            TicketEventKind.FACTS: lambda v: ", ".join(self.facts.get(k.strip(), k.strip()) for k in v.split(",")),
        }
        show = lookup.get(kind)
        return show(value) if show else value


def event_rows(ticket: Ticket, events: list[TicketEvent] | None = None) -> list[EventRow]:
    """The ticket's events, newest first, with labels and names in the active language."""
    if events is None:
        events = list(TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("-created_at", "-id"))
    names = _Names(ticket, events)
    return [
        EventRow(
            when=event.created_at,
            actor=event.actor,
            actor_name=person_name(event.actor),
            label=event_label(event.kind),
            old=names.shown(event.kind, event.old_value),
            new=names.shown(event.kind, event.new_value),
        )
        for event in events
    ]


def event_values(events: list[TicketEvent]) -> list[tuple[str, str]]:
    """Each event's old and new values as people read them (names, labels), for events of many tickets."""
    names = _Names(None, events)
    return [(names.shown(e.kind, e.old_value), names.shown(e.kind, e.new_value)) for e in events]
