"""Which team gets a new ticket (one where someone speaks its language), who is on shift, and which
agent gets it: on shift, speaks its language, fewest open tickets."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import ServiceError

from ..models import OPEN_Q, AgentProfile, Shift, Team, Ticket
from .customers import care_for, meets_tier
from .tickets import ticket_assign

NEVER_ASSIGNED = datetime(1970, 1, 1, tzinfo=UTC)
# Who may work tickets: the same filter on users for every query here, built once.
AGENTS = roles.users_with_perm_q(roles.WORK_TICKETS)


def team_speakers(language: str) -> dict[int, int]:
    """How many active agents of each team speak `language` (its base language counts: "zh" for
    "zh-hans"), as {team id: count}; teams with none are left out."""
    agents = get_user_model().objects.filter(AGENTS, is_active=True)
    profiles = AgentProfile.objects.filter(team__isnull=False, user__in=agents.values("pk")).values_list(
        "team_id", "languages"
    )
    counts: dict[int, int] = {}
    for team_id, languages in profiles:
        if AgentProfile(languages=languages if isinstance(languages, list) else []).speaks(language):
            counts[team_id] = counts.get(team_id, 0) + 1
    return counts


def team_for_new_ticket(*, country: str, language: str) -> tuple[Team, bool]:
    """The team for a new ticket, and whether nobody there speaks its language (flagged on the
    ticket). The team serving the country when someone there speaks the language; else a team
    whose agents speak it (the default team first, then the one with most speakers); else the
    country's team, or the default team when no team serves the country."""
    teams = list(Team.objects.all())
    if not teams:
        raise ServiceError(_("No support team is set up yet."))
    country = (country or "").strip().upper()
    by_country = next((t for t in teams if country and country in [str(c).upper() for c in t.countries]), None)
    default = next((t for t in teams if t.is_default), teams[0])
    speakers = team_speakers(language)
    if by_country is not None and speakers.get(by_country.pk):
        return by_country, False
    speaking = [t for t in teams if speakers.get(t.pk)]
    if speaking:
        return min(speaking, key=lambda t: (not t.is_default, -speakers[t.pk], t.name)), False
    return by_country or default, True


def support_local_time(now: datetime) -> datetime:
    return now.astimezone(zoneinfo.ZoneInfo(settings.SUPPORT_TIME_ZONE))


def is_on_shift(profile: AgentProfile, now: datetime, shifts: list[Shift] | None = None) -> bool:
    """Available, and inside one of their shifts (an agent with no shift set is on when available).
    `shifts`: the agent's shifts if already fetched (shifts_by_profile), else they are queried."""
    if not profile.on_shift or not profile.user.is_active:
        return False
    if shifts is None:
        shifts = list(profile.shifts.all())
    if not shifts:
        return True
    moment = support_local_time(now).time()
    return any(shift.covers(moment) for shift in shifts)


def shifts_by_profile(profile_ids: Iterable[int]) -> dict[int, list[Shift]]:
    """The shifts of many agents in one query, as {profile id: shifts} (agents without shifts left out).
    Cheaper than prefetch_related, which makes a related manager and a queryset per agent, on every sweep."""
    rows = Shift.objects.filter(agents__in=list(profile_ids)).values_list("agents", "pk", "starts_at", "ends_at")
    by_profile: dict[int, list[Shift]] = {}
    for profile_id, pk, starts_at, ends_at in rows:
        by_profile.setdefault(profile_id, []).append(Shift(pk=pk, starts_at=starts_at, ends_at=ends_at))
    return by_profile


def agents_on_shift(team_id: int, now: datetime) -> list[AgentProfile]:
    return agents_on_shift_by_team({team_id}, now).get(team_id, [])


def agents_on_shift_by_team(team_ids: Iterable[int], now: datetime) -> dict[int, list[AgentProfile]]:
    """The agents on shift of each team, in two queries whatever the number of teams."""
    agents = get_user_model().objects.filter(AGENTS, is_active=True)
    profiles = list(
        AgentProfile.objects.filter(team_id__in=list(team_ids), on_shift=True, user__in=agents.values("pk"))
        .select_related("user")
        .order_by("pk")
    )
    shifts = shifts_by_profile(p.pk for p in profiles)
    by_team: dict[int, list[AgentProfile]] = {}
    for profile in profiles:
        if profile.team_id is not None and is_on_shift(profile, now, shifts.get(profile.pk, [])):
            by_team.setdefault(profile.team_id, []).append(profile)
    return by_team


def open_ticket_load(user_ids: Iterable[int]) -> dict[int, int]:
    rows = Ticket.objects.filter(OPEN_Q, assignee_id__in=list(user_ids)).values("assignee_id").annotate(n=Count("id"))
    return {row["assignee_id"]: row["n"] for row in rows}


def choose_agent(
    candidates: list[AgentProfile], language: str, load: dict[int, int], *, require_language: bool
) -> AgentProfile | None:
    return least_loaded(language_pool(candidates, language, require_language=require_language), load)


def language_pool(candidates: list[AgentProfile], language: str, *, require_language: bool) -> list[AgentProfile]:
    """Those who speak the language; when nobody does, everyone unless the language is required."""
    speakers = [p for p in candidates if p.speaks(language)]
    return speakers or ([] if require_language else candidates)


def least_loaded(pool: list[AgentProfile], load: dict[int, int]) -> AgentProfile | None:
    """Fewest open tickets wins; ties go to whoever was given a ticket least recently (fair rotation)."""
    if not pool:
        return None
    return min(pool, key=lambda p: (load.get(p.user_id, 0), p.last_assigned_at or NEVER_ASSIGNED, p.pk))


def note_assignment(profile: AgentProfile, load: dict[int, int], now: datetime, *, save: bool = True) -> None:
    """Count the new ticket in the agent's load and remember when they last got one (fair rotation)."""
    load[profile.user_id] = load.get(profile.user_id, 0) + 1
    profile.last_assigned_at = now
    if save:
        AgentProfile.objects.filter(pk=profile.pk).update(last_assigned_at=now)


def ticket_route_new(*, ticket: Ticket, now: datetime | None = None) -> Any:
    """On arrival, where the team wants it: give the ticket to the best agent on shift."""
    if not ticket.team.auto_assign or ticket.assignee_id:
        return None
    now = now or timezone.now()
    # Lock the team's profiles so concurrent arrivals see each other's assignments.
    list(AgentProfile.objects.select_for_update().filter(team_id=ticket.team_id).order_by("pk").values("pk"))
    candidates = agents_on_shift(ticket.team_id, now)
    load = open_ticket_load(p.user_id for p in candidates)
    # A customer whose standing asks for a senior agent gets one who speaks the language when any is
    # on shift; else anyone, rather than a ticket nobody picks up.
    care = care_for(ticket.customer_id)
    senior = [p for p in candidates if meets_tier(p.tier, care)]
    chosen = choose_agent(senior, ticket.language, load, require_language=True) if care.min_tier else None
    chosen = chosen or choose_agent(candidates, ticket.language, load, require_language=True)
    if chosen is None:
        return None
    note_assignment(chosen, load, now)
    ticket_assign(ticket=ticket, assignee=chosen.user, actor=None)
    return chosen.user
