"""The SLA sweep (`sla_sweep`) and what it does to tickets at risk or in breach: notices, priority,
supervisors, reassignment.

Everything is done in bulk with a fixed number of queries per sweep, whatever the number of tickets,
and without per-ticket work that costs more than the row itself: each text is translated once per
language, each agent's shifts are looked at once, and the tickets change in a single UPDATE. Each person
gets one notice of each kind per sweep: about the ticket when there is one, else how many there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext_lazy, override

from helpdesk import roles
from helpdesk.bulk import insert_rows, update_rows
from workspace.models import NoticeKind
from workspace.notifications import Notice, notices_deliver

from ..history import EventToRecord, TicketEventKind, ticket_events_record
from ..models import AgentProfile, Priority, SlaBreach, SlaClock, Ticket, format_reference
from ..selectors import VIEW_MINE, VIEW_TEAM, VIEW_UNASSIGNED
from .email import EmailToQueue, emails_queue
from .routing import (
    agents_on_shift_by_team,
    is_on_shift,
    language_pool,
    least_loaded,
    note_assignment,
    open_ticket_load,
    shifts_by_profile,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

WARNING = gettext_lazy("%(reference)s is close to its SLA deadline.")
BREACH = gettext_lazy("%(reference)s missed its SLA target.")
REASSIGNED = gettext_lazy("%(reference)s was given to you: it missed its SLA target.")
# Several tickets for one person in one sweep: one notice with their number, linking to the queue.
WARNINGS = ngettext_lazy(
    "%(count)s ticket is close to its SLA deadline.", "%(count)s tickets are close to their SLA deadline.", "count"
)
BREACHES = ngettext_lazy(
    "%(count)s ticket missed its SLA target.", "%(count)s tickets missed their SLA target.", "count"
)
REASSIGNED_SEVERAL = ngettext_lazy(
    "%(count)s ticket that missed its SLA target was given to you.",
    "%(count)s tickets that missed their SLA target were given to you.",
    "count",
)
DUE_SORT = "due"  # the queue's sort by SLA deadline, most urgent first (selectors.SORTS)
# A supervisor's breach email lists this many of their team's tickets, the most overdue, then says how many
# more there are, linking to the queue sorted by deadline: a line per ticket of a large sweep (a thousand, in
# text and HTML) took a third of the sweep's time in Python, for an email nobody reads to the end.
BREACH_EMAIL_TICKETS = 50

# Each notice's kind, by the prefix of its key: what the person's delivery preference is chosen for.
NOTICE_KINDS = {
    "sla-warn": NoticeKind.SLA_WARNING,
    "sla-breach": NoticeKind.SLA_BREACH,
    "sla-reassigned": NoticeKind.ASSIGNMENT,
}


@dataclass(frozen=True, slots=True)
class BreachedTicket:
    """What escalation needs of a ticket (and the breach email shows), without loading the whole row."""

    pk: int
    team_id: int
    assignee_id: int | None
    language: str
    priority: int
    subject: str
    updated_at: datetime

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


@lru_cache(maxsize=4)
def _queue_url(view: str) -> str:
    """The queue view that holds the tickets, sorted by SLA deadline (most urgent first)."""
    return f"{reverse('tickets:queue')}?{urlencode({'view': view, 'sort': DUE_SORT})}"


class _Notices:
    """One kind of notice in one sweep, one notice per person. With one ticket, the notice is about it
    (its text, its link, its key as ever); with several, it says how many, in the person's language,
    and links to the queue view that holds them, sorted by deadline. Keys are unique per person, kind
    and sweep (the first ticket's id and the sweep's time), so inserting them again adds nothing."""

    def __init__(self, kind: str, one: Promise, several: _StrPromise, when: str) -> None:
        self.kind, self.one, self.several, self.when = kind, _Translated(one), several, when
        self.people: dict[int, tuple[str, dict[int, str], set[str]]] = {}

    def add(self, user_id: int, language: str, ticket_pk: int, *, view: str, stamp: str = "") -> None:
        """The person is told about the ticket. `view`: their queue view that holds it. `stamp`: what
        makes the key of a notice about this ticket alone unique, if not the sweep's time."""
        _language, tickets, views = self.people.setdefault(user_id, (language, {}, set()))
        tickets[ticket_pk] = f"{self.kind}:{ticket_pk}:{stamp or self.when}"
        views.add(view)

    def rows(self) -> list[Notice]:
        kind = NOTICE_KINDS[self.kind]
        rows: list[Notice] = []
        for user_id, (language, tickets, views) in self.people.items():
            if len(tickets) == 1:
                [(pk, key)] = tickets.items()
                rows.append(Notice(user_id, key, self.one(language, pk), _ticket_url(pk), kind))
                continue
            with override(language):
                text = str(self.several % {"count": len(tickets)})[:500]
            view = next(iter(views)) if len(views) == 1 else VIEW_TEAM  # both their own and unassigned ones
            key = f"{self.kind}:batch-{min(tickets)}:{self.when}"
            rows.append(Notice(user_id, key, text, _queue_url(view), kind))
        return rows


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


def notify_warnings(ticket_ids: list[int], now: datetime) -> None:
    """80 % of a target has passed: the assignee is told (the team's supervisors when unassigned)."""
    tickets = list(Ticket.objects.filter(pk__any=ticket_ids).values_list("pk", "team_id", "assignee_id", "sla_due_at"))
    supervisors = _supervisors_by_team({team_id for _pk, team_id, assignee_id, _due in tickets if assignee_id is None})
    languages = dict(
        AgentProfile.objects.filter(user_id__in={a for _pk, _team, a, _due in tickets if a is not None}).values_list(
            "user_id", "ui_language"
        )
    )
    notices = _Notices("sla-warn", WARNING, WARNINGS, now.isoformat())
    for pk, team_id, assignee_id, due in tickets:
        if assignee_id is not None:
            notices.add(assignee_id, languages.get(assignee_id, "en"), pk, view=VIEW_MINE, stamp=str(due))
            continue
        for user in supervisors.get(team_id, []):
            notices.add(user.pk, _ui_language(user), pk, view=VIEW_UNASSIGNED, stamp=str(due))
    notices_deliver(notices.rows())


def escalate_breaches(ticket_ids: list[int], now: datetime) -> dict[int, int]:
    """Raise priority (urgent stays urgent), give unassigned or off-shift tickets to an agent on shift,
    record both in the history, and tell the team's supervisors (in the app and by email) and each
    new assignee. `ticket_ids`: the most overdue first. Returns {ticket id: new assignee id}."""
    fields = ("pk", "team_id", "assignee_id", "language", "priority", "subject", "updated_at")
    # Locked until the sweep commits: the choices and the history below rest on these values.
    locked = Ticket.objects.select_for_update().filter(pk__any=ticket_ids).order_by("pk")
    tickets = [BreachedTicket(*row) for row in locked.values_list(*fields)]
    assignees = _assignees({t.assignee_id for t in tickets if t.assignee_id is not None})
    on_shift = _on_shift(assignees, now)
    chosen = _choose_agents_on_shift([t for t in tickets if t.assignee_id not in on_shift], now)
    _update_tickets(tickets, chosen, now)
    if chosen:
        AgentProfile.objects.filter(pk__in={p.pk for p in chosen.values()}).update(last_assigned_at=now)
    created = timezone.now()  # what auto_now_add would have set
    ticket_events_record(_history(tickets, chosen, assignees), created=created)
    when = now.isoformat()
    given = _Notices("sla-reassigned", REASSIGNED, REASSIGNED_SEVERAL, when)
    for pk, profile in chosen.items():
        given.add(profile.user_id, profile.ui_language, pk, view=VIEW_MINE)
    overdue = {pk: position for position, pk in enumerate(ticket_ids)}
    notices = given.rows() + _tell_supervisors(sorted(tickets, key=lambda t: overdue[t.pk]), when)
    notices_deliver(notices, created=created)
    return {pk: profile.user_id for pk, profile in chosen.items()}


def _assignees(user_ids: set[int]) -> dict[int, Any]:
    """The tickets' current assignees, with their profiles."""
    users = get_user_model().objects.filter(pk__in=user_ids).select_related("agent_profile")
    return {user.pk: user for user in users}


def _on_shift(users: dict[int, Any], now: datetime) -> set[int]:
    """Which of `users` are on shift now (one query, for their shifts)."""
    profiles = {pk: user.agent_profile for pk, user in users.items() if hasattr(user, "agent_profile")}
    shifts = shifts_by_profile(profile.pk for profile in profiles.values())
    return {pk for pk, profile in profiles.items() if is_on_shift(profile, now, shifts.get(profile.pk, []))}


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
    """One UPDATE: breached, one priority step up, and the new assignees; changed tickets count as updated.
    The rows are locked, so the values read are the values to change."""
    rows: list[tuple[Any, ...]] = []
    for ticket in tickets:
        raised = ticket.priority < Priority.URGENT
        agent = chosen.get(ticket.pk)
        updated_at = now if raised or agent is not None else ticket.updated_at
        row = (ticket.pk, "breached", ticket.priority + 1 if raised else ticket.priority, updated_at)
        rows.append(row if not chosen else (*row, ticket.assignee_id if agent is None else agent.user_id))
    names = ("id", "sla_state", "priority", "updated_at")
    update_rows(Ticket, (*names, "assignee_id") if chosen else names, rows)


def _history(
    tickets: list[BreachedTicket], chosen: dict[int, AgentProfile], assignees: dict[int, Any]
) -> list[EventToRecord]:
    """The priority raised and the assignee changed, as the ticket services record them (by the system)."""
    rows: list[EventToRecord] = []
    for ticket in tickets:
        if ticket.priority < Priority.URGENT:
            rows.append((ticket.pk, TicketEventKind.PRIORITY, ticket.priority, ticket.priority + 1))
        if ticket.pk in chosen:
            old = assignees[ticket.assignee_id].get_username() if ticket.assignee_id in assignees else ""
            rows.append((ticket.pk, TicketEventKind.ASSIGNEE, old, chosen[ticket.pk].user.get_username()))
    return rows


def _tell_supervisors(tickets: list[BreachedTicket], when: str) -> list[Notice]:
    """The team's supervisors: a notice each (about the ticket, or how many of their team's) and one
    email each listing their team's tickets (`tickets`: the most overdue first)."""
    supervisors = _supervisors_by_team({t.team_id for t in tickets})
    notices = _Notices("sla-breach", BREACH, BREACHES, when)
    per_supervisor: dict[int, tuple[Any, list[BreachedTicket]]] = {}
    for ticket in tickets:
        for user in supervisors.get(ticket.team_id, []):
            notices.add(user.pk, _ui_language(user), ticket.pk, view=VIEW_TEAM)
            per_supervisor.setdefault(user.pk, (user, []))[1].append(ticket)
    emails_queue([_breach_email(user, breached, when) for user, breached in per_supervisor.values() if user.email])
    return notices.rows()


def _breach_email(user: Any, breached: list[BreachedTicket], when: str) -> EmailToQueue:
    """The first BREACH_EMAIL_TICKETS of `breached` (the most overdue), each with its link; the rest counted,
    linking to the queue view of the team's tickets sorted by deadline (as the supervisor's notice does)."""
    listed = breached[:BREACH_EMAIL_TICKETS]
    return EmailToQueue(
        key=f"sla-breaches:{user.pk}:{min(t.pk for t in breached)}:{when}",
        to=user.email,
        template="tickets/sla_breach",
        context={
            "items": [(t, settings.SITE_URL + _ticket_url(t.pk)) for t in listed],
            "count": len(breached),
            "more": len(breached) - len(listed),
            "queue_url": settings.SITE_URL + _queue_url(VIEW_TEAM),
            "user": user,
        },
        language=_ui_language(user),
        time_zone=user.agent_profile.time_zone,
    )


@dataclass
class SweepResult:
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)
    reassigned: dict[int, int] = field(default_factory=dict)


def sla_sweep(*, now: datetime | None = None, limit: int = 1000) -> SweepResult:
    """Warn and escalate every due clock, most overdue first. Each clock is acted on once."""
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        warn = list(
            SlaClock.objects.select_for_update(skip_locked=True)
            .filter(
                warned_at__isnull=True,
                met_at__isnull=True,
                paused_at__isnull=True,
                warn_at__isnull=False,
                warn_at__lte=now,
            )
            .order_by("warn_at")
            .values_list("pk", "ticket_id")[:limit]
        )
        if warn:
            SlaClock.objects.filter(pk__any=[pk for pk, _t in warn]).update(warned_at=now)
            ticket_ids = sorted({t for _pk, t in warn})
            Ticket.objects.filter(pk__any=ticket_ids, sla_state="ok").update(sla_state="at_risk")
            notify_warnings(ticket_ids, now)
            result.warned = ticket_ids
    with transaction.atomic():
        due = list(
            SlaClock.objects.select_for_update(skip_locked=True)
            .filter(
                breached_at__isnull=True,
                met_at__isnull=True,
                paused_at__isnull=True,
                due_at__isnull=False,
                due_at__lte=now,
            )
            .order_by("due_at")
            .values_list("pk", "ticket_id", "metric", "due_at")[:limit]  # due_at is never null here
        )
        if due:
            SlaClock.objects.filter(pk__any=[row[0] for row in due]).update(breached_at=now)
            insert_rows(
                SlaBreach,
                ("clock_id", "ticket_id", "metric", "due_at", "recorded_at"),
                [(pk, t, m, d, now) for pk, t, m, d in due],
            )
            ticket_ids = list(dict.fromkeys(row[1] for row in due))  # the most overdue first, as claimed
            result.breached = sorted(ticket_ids)
            result.reassigned = escalate_breaches(ticket_ids, now)
    return result
