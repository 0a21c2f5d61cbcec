"""What a sweep does to tickets at risk or in breach: notices, priority, supervisors, reassignment.

Everything is done in bulk with a fixed number of queries per sweep, whatever the number of tickets,
and without per-ticket work that costs more than the row itself: each text is translated once per
language, each agent's shifts are looked at once, and the tickets change in a single UPDATE."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, override

from helpdesk import roles
from helpdesk.models import Notification

from ..models import AgentProfile, Priority, Ticket, TicketEvent, format_reference
from .email import EmailToQueue, emails_queue
from .routing import (
    agents_on_shift_by_team,
    is_on_shift,
    language_pool,
    least_loaded,
    note_assignment,
    open_ticket_load,
)
from .sla import insert_rows

WARNING = gettext_lazy("%(reference)s is close to its SLA deadline.")
BREACH = gettext_lazy("%(reference)s missed its SLA target.")
REASSIGNED = gettext_lazy("%(reference)s was given to you: it missed its SLA target.")

NOTICE_FIELDS = ("user_id", "key", "text", "url", "created_at")
Notice = tuple[int, str, str, str, datetime]  # a Notification row: NOTICE_FIELDS' values


@dataclass(frozen=True, slots=True)
class BreachedTicket:
    """What escalation needs of a ticket (and the breach email shows), without loading the whole row."""

    pk: int
    team_id: int
    assignee_id: int | None
    language: str
    priority: int
    subject: str

    @property
    def reference(self) -> str:
        return format_reference(self.pk)


class _Translated:
    """A notice's text in each user's interface language, translated once per sweep, not once per ticket."""

    def __init__(self, text: Promise) -> None:
        self.text = text
        self.by_language: dict[str, str] = {}

    def __call__(self, language: str, ticket_pk: int) -> str:
        template = self.by_language.get(language)
        if template is None:
            with override(language):
                template = self.by_language[language] = str(self.text)
        return (template % {"reference": format_reference(ticket_pk)})[:500]


def _ticket_url(pk: int) -> str:
    # reverse() once per sweep, not once per ticket: it is slow enough to show on a thousand.
    return _ticket_url_pattern().replace("/0/", f"/{pk}/")


@lru_cache(maxsize=1)
def _ticket_url_pattern() -> str:
    return reverse("tickets:detail", args=[0])


def _ui_language(user: Any) -> str:
    profile = getattr(user, "agent_profile", None)
    return profile.ui_language if profile is not None else "en"


def _supervisors_by_team(team_ids: set[int]) -> dict[int, list[Any]]:
    User = get_user_model()
    users = (
        User.objects.filter(is_active=True, agent_profile__team_id__in=team_ids)
        .filter(roles.supervisor_q())
        .select_related("agent_profile")
        .distinct()
    )
    by_team: dict[int, list[Any]] = defaultdict(list)
    for user in users:
        if user.agent_profile.team_id is not None:
            by_team[user.agent_profile.team_id].append(user)
    return by_team


def notify_warnings(ticket_ids: list[int]) -> None:
    """80 % of a target has passed: the assignee is told (the team's supervisors when unassigned)."""
    tickets = list(Ticket.objects.filter(pk__in=ticket_ids).values_list("pk", "team_id", "assignee_id", "sla_due_at"))
    supervisors = _supervisors_by_team({team_id for _pk, team_id, assignee_id, _due in tickets if assignee_id is None})
    languages = dict(
        AgentProfile.objects.filter(user_id__in={a for _pk, _team, a, _due in tickets if a is not None}).values_list(
            "user_id", "ui_language"
        )
    )
    text = _Translated(WARNING)
    created = timezone.now()
    notices: list[Notice] = []
    for pk, team_id, assignee_id, due in tickets:
        users = (
            [(assignee_id, languages.get(assignee_id, "en"))]
            if assignee_id is not None
            else [(user.pk, _ui_language(user)) for user in supervisors.get(team_id, [])]
        )
        notices += [
            (user_id, f"sla-warn:{pk}:{due}", text(language, pk), _ticket_url(pk), created)
            for user_id, language in users
        ]
    insert_rows(Notification, NOTICE_FIELDS, notices, ignore_conflicts=True)


def escalate_breaches(ticket_ids: list[int], now: datetime) -> dict[int, int]:
    """Raise priority (urgent stays urgent), give unassigned or off-shift tickets to an agent on shift,
    record both in the history, and tell the team's supervisors (in the app and by email) and each
    new assignee. Returns {ticket id: new assignee id}."""
    fields = ("pk", "team_id", "assignee_id", "language", "priority", "subject")
    # Locked until the sweep commits: the choices and the history below rest on these values.
    locked = Ticket.objects.select_for_update().filter(pk__in=ticket_ids).order_by("pk")
    tickets = [BreachedTicket(*row) for row in locked.values_list(*fields)]
    assignees = _assignees({t.assignee_id for t in tickets if t.assignee_id is not None})
    on_shift = {pk for pk, user in assignees.items() if _on_shift(user, now)}
    chosen = _choose_agents_on_shift([t for t in tickets if t.assignee_id not in on_shift], now)
    _update_tickets(tickets, chosen, now)
    if chosen:
        AgentProfile.objects.filter(pk__in={p.pk for p in chosen.values()}).update(last_assigned_at=now)
    created = timezone.now()  # what auto_now_add would have set
    insert_rows(
        TicketEvent,
        ("ticket_id", "kind", "old_value", "new_value", "created_at"),
        _history(tickets, chosen, assignees, created),
    )
    text = _Translated(REASSIGNED)
    when = now.isoformat()
    notices: list[Notice] = [
        (p.user_id, f"sla-reassigned:{pk}:{when}", text(p.ui_language, pk), _ticket_url(pk), created)
        for pk, p in chosen.items()
    ]
    notices += _tell_supervisors(tickets, when, created)
    insert_rows(Notification, NOTICE_FIELDS, notices, ignore_conflicts=True)
    return {pk: profile.user_id for pk, profile in chosen.items()}


def _assignees(user_ids: set[int]) -> dict[int, Any]:
    """The tickets' current assignees, with their profiles and shifts (two queries)."""
    users = (
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .select_related("agent_profile")
        .prefetch_related("agent_profile__shifts")
    )
    return {user.pk: user for user in users}


def _on_shift(user: Any, now: datetime) -> bool:
    profile = getattr(user, "agent_profile", None)
    return profile is not None and is_on_shift(profile, now)


def _choose_agents_on_shift(needing: list[BreachedTicket], now: datetime) -> dict[int, AgentProfile]:
    """An agent on shift for each ticket, in order: their language first, then fewest open tickets
    (counting those given out here), then least recently given one. {ticket id: agent's profile}"""
    if not needing:
        return {}
    candidates = agents_on_shift_by_team({t.team_id for t in needing}, now)
    load = open_ticket_load(p.user_id for profiles in candidates.values() for p in profiles)
    pools: dict[tuple[int, str], list[AgentProfile]] = {}
    chosen: dict[int, AgentProfile] = {}
    for ticket in needing:
        key = (ticket.team_id, ticket.language)
        if key not in pools:
            pools[key] = language_pool(candidates.get(ticket.team_id, []), ticket.language, require_language=False)
        agent = least_loaded(pools[key], load)
        if agent is not None and agent.user_id != ticket.assignee_id:
            note_assignment(agent, load, now, save=False)
            chosen[ticket.pk] = agent
    return chosen


def _update_tickets(tickets: list[BreachedTicket], chosen: dict[int, AgentProfile], now: datetime) -> None:
    """One UPDATE: breached, one priority step up, and the new assignees; changed tickets count as updated."""
    raised = Q(priority__lt=Priority.URGENT)
    changes: dict[str, Any] = {
        "sla_state": "breached",
        "priority": Case(
            When(raised, then=F("priority") + 1), default=F("priority"), output_field=Ticket._meta.get_field("priority")
        ),
        "updated_at": Case(When(raised, then=Value(now)), default=F("updated_at")),
    }
    if chosen:
        by_agent: dict[int, list[int]] = defaultdict(list)
        for pk, profile in chosen.items():
            by_agent[profile.user_id].append(pk)
        changes["assignee_id"] = Case(
            *(When(pk__in=pks, then=Value(user_id)) for user_id, pks in by_agent.items()),
            default=F("assignee_id"),
            output_field=Ticket._meta.get_field("assignee_id"),
        )
        changes["updated_at"] = Case(When(raised | Q(pk__in=list(chosen)), then=Value(now)), default=F("updated_at"))
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(**changes)


def _history(
    tickets: list[BreachedTicket], chosen: dict[int, AgentProfile], assignees: dict[int, Any], created: datetime
) -> list[tuple[int, str, str, str, datetime]]:
    """The priority raised and the assignee changed: (ticket, kind, old value, new value, created) rows."""
    rows = []
    for ticket in tickets:
        if ticket.priority < Priority.URGENT:
            rows.append((ticket.pk, "priority", str(ticket.priority), str(ticket.priority + 1), created))
        if ticket.pk in chosen:
            old = assignees[ticket.assignee_id].get_username() if ticket.assignee_id in assignees else ""
            rows.append((ticket.pk, "assignee", old, chosen[ticket.pk].user.get_username(), created))
    return rows


def _tell_supervisors(tickets: list[BreachedTicket], when: str, created: datetime) -> list[Notice]:
    """The team's supervisors: a notice per ticket, and one email each listing their team's tickets."""
    supervisors = _supervisors_by_team({t.team_id for t in tickets})
    text = _Translated(BREACH)
    notices: list[Notice] = []
    per_supervisor: dict[int, tuple[Any, list[BreachedTicket]]] = {}
    for ticket in tickets:
        for user in supervisors.get(ticket.team_id, []):
            key = f"sla-breach:{ticket.pk}:{when}"
            notices.append((user.pk, key, text(_ui_language(user), ticket.pk), _ticket_url(ticket.pk), created))
            per_supervisor.setdefault(user.pk, (user, []))[1].append(ticket)
    emails_queue(
        [
            EmailToQueue(
                key=f"sla-breaches:{user.pk}:{breached[0].pk}:{when}",
                to=user.email,
                template="tickets/sla_breach",
                context={"items": [(t, settings.SITE_URL + _ticket_url(t.pk)) for t in breached], "user": user},
                language=_ui_language(user),
            )
            for user, breached in per_supervisor.values()
            if user.email
        ]
    )
    return notices
