"""What a sweep does to tickets at risk or in breach: notices, priority, supervisors, reassignment.

Everything is done in bulk with a fixed number of queries per sweep, whatever the number of tickets."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext, override

from helpdesk import roles
from helpdesk.models import Notification

from ..models import AgentProfile, Ticket, TicketEvent
from .email import email_queue
from .routing import agents_on_shift, choose_agent, is_on_shift, note_assignment, open_ticket_load
from .sla import raise_priority


def _ticket_url(pk: int) -> str:
    # reverse() once per sweep, not once per ticket: it is slow enough to show on a thousand.
    return _ticket_url_pattern().replace("/0/", f"/{pk}/")


@lru_cache(maxsize=1)
def _ticket_url_pattern() -> str:
    return reverse("tickets:detail", args=[0])


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


def _notice(user: Any, key: str, text: str, url: str) -> Notification:
    return Notification(user=user, key=key, text=text[:500], url=url)


def notify_warnings(ticket_ids: list[int]) -> None:
    """80 % of a target has passed: the assignee is told (the team's supervisors when unassigned)."""
    tickets = list(Ticket.objects.filter(pk__in=ticket_ids).select_related("assignee__agent_profile"))
    supervisors = _supervisors_by_team({t.team_id for t in tickets if t.assignee_id is None})
    notices = []
    for ticket in tickets:
        users = [ticket.assignee] if ticket.assignee else supervisors.get(ticket.team_id, [])
        for user in users:
            with override(_ui_language(user)):
                text = gettext("%(reference)s is close to its SLA deadline.") % {"reference": ticket.reference}
            notices.append(_notice(user, f"sla-warn:{ticket.pk}:{ticket.sla_due_at}", text, _ticket_url(ticket.pk)))
    Notification.objects.bulk_create(notices, ignore_conflicts=True)


def _ui_language(user: Any) -> str:
    profile = getattr(user, "agent_profile", None)
    return profile.ui_language if profile is not None else "en"


def escalate_breaches(ticket_ids: list[int], now: datetime) -> dict[int, int]:
    """Raise priority, tell the team's supervisors (in the app and by email) and give unassigned or
    off-shift tickets to an agent on shift. Returns {ticket id: new assignee id}."""
    raise_priority(ticket_ids, now)
    tickets = list(
        Ticket.objects.filter(pk__in=ticket_ids)
        .select_related("assignee__agent_profile", "customer")
        .prefetch_related("assignee__agent_profile__shifts")
        .order_by("pk")
    )
    Ticket.objects.filter(pk__in=ticket_ids).update(sla_state="breached")
    reassigned = _reassign_off_shift(tickets, now)
    supervisors = _supervisors_by_team({t.team_id for t in tickets})
    notices = []
    per_supervisor: dict[int, tuple[Any, list[Ticket]]] = {}
    for ticket in tickets:
        for user in supervisors.get(ticket.team_id, []):
            with override(_ui_language(user)):
                text = gettext("%(reference)s missed its SLA target.") % {"reference": ticket.reference}
            notices.append(_notice(user, f"sla-breach:{ticket.pk}:{now.isoformat()}", text, _ticket_url(ticket.pk)))
            per_supervisor.setdefault(user.pk, (user, []))[1].append(ticket)
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    for user, breached in per_supervisor.values():
        if user.email:
            email_queue(
                key=f"sla-breaches:{user.pk}:{breached[0].pk}:{now.isoformat()}",
                to=user.email,
                template="tickets/sla_breach",
                context={"items": [(t, settings.SITE_URL + _ticket_url(t.pk)) for t in breached], "user": user},
                language=_ui_language(user),
            )
    return reassigned


def _reassign_off_shift(tickets: list[Ticket], now: datetime) -> dict[int, int]:
    needing = [t for t in tickets if not _assignee_on_shift(t, now)]
    if not needing:
        return {}
    candidates_by_team = {team_id: agents_on_shift(team_id, now) for team_id in {t.team_id for t in needing}}
    load = open_ticket_load(p.user_id for ps in candidates_by_team.values() for p in ps)
    chosen_for: dict[int, AgentProfile] = {}
    for ticket in needing:
        chosen = choose_agent(candidates_by_team[ticket.team_id], ticket.language, load, require_language=False)
        if chosen is not None and chosen.user_id != ticket.assignee_id:
            note_assignment(chosen, load, now, save=False)
            chosen_for[ticket.pk] = chosen
    by_agent: dict[int, list[int]] = defaultdict(list)
    for pk, profile in chosen_for.items():
        by_agent[profile.user_id].append(pk)
    for user_id, pks in by_agent.items():
        Ticket.objects.filter(pk__in=pks).update(assignee_id=user_id, updated_at=now)
    AgentProfile.objects.filter(pk__in={p.pk for p in chosen_for.values()}).update(last_assigned_at=now)
    old = {t.pk: (t.assignee.get_username() if t.assignee else "") for t in needing}
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(ticket_id=pk, kind="assignee", old_value=old[pk], new_value=profile.user.get_username())
            for pk, profile in chosen_for.items()
        ]
    )
    notices = [
        Notification(
            user=profile.user,
            key=f"sla-reassigned:{pk}:{now.isoformat()}",
            text=_assigned_text(profile, pk),
            url=_ticket_url(pk),
        )
        for pk, profile in chosen_for.items()
    ]
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    return {pk: profile.user_id for pk, profile in chosen_for.items()}


def _assignee_on_shift(ticket: Ticket, now: datetime) -> bool:
    profile = getattr(ticket.assignee, "agent_profile", None) if ticket.assignee_id else None
    return profile is not None and is_on_shift(profile, now)


def _assigned_text(profile: AgentProfile, ticket_pk: int) -> str:
    from ..models import format_reference

    with override(profile.ui_language):
        return gettext("%(reference)s was given to you: it missed its SLA target.") % {
            "reference": format_reference(ticket_pk)
        }
