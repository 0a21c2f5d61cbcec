"""Reads shared by pages, the ticket panel and reports: scoped, with related rows fetched once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, NullIf, TruncWeek

from helpdesk import roles
from helpdesk.prepared import Prepared

from .models import CareFollowUp, CaseRecord, SurveyInvitation

# --- Customer care -------------------------------------------------------------------------


def care_visible_to(user: Any) -> QuerySet[CareFollowUp]:
    """Follow-ups of the supervisor's team; an administrator sees every team's."""
    rows = CareFollowUp.objects.select_related("ticket__customer", "response", "team", "response__agent", "handled_by")
    if roles.is_admin(user):
        return rows
    profile = getattr(user, "agent_profile", None)
    if not roles.is_supervisor(user) or profile is None or profile.team_id is None:
        return rows.none()
    return rows.filter(team_id=profile.team_id)


def care_list(user: Any, *, show: str = "open", limit: int = 100) -> list[CareFollowUp]:
    rows = care_visible_to(user)
    if show == "done":
        return list(rows.filter(is_open=False).order_by("-handled_at", "-id")[:limit])
    return list(rows.filter(is_open=True).order_by("due_at", "id")[:limit])


# --- Case library ---------------------------------------------------------------------------


def _latest_cases(shape: tuple[bool, bool, int], category_id: int, ticket_id: int) -> QuerySet[CaseRecord]:
    of_category, excluding, limit = shape
    rows = CaseRecord.objects.select_related("category", "ticket")
    rows = rows.exclude(ticket_id=ticket_id) if excluding else rows
    rows = rows.filter(category_id=category_id) if of_category else rows
    return rows.order_by("-solved_at", "-id")[:limit]


_LATEST_CASES = Prepared(_latest_cases, category_id=int, ticket_id=int)
_OWN_CASE = Prepared(lambda ticket_id: CaseRecord.objects.filter(ticket_id=ticket_id).order_by("pk")[:1], ticket_id=int)


def ticket_case(ticket_id: int) -> CaseRecord | None:
    """The case recorded from this ticket, if any."""
    return _OWN_CASE.first(ticket_id=ticket_id)


def cases_search(
    *, query: str = "", category_id: int | None = None, exclude_ticket_id: int | None = None, limit: int = 10
) -> list[CaseRecord]:
    """Full-text search over problems and solutions; cases of the same category first, then by
    relevance. Without words: the latest cases of the category. On SQLite (the quick start), which
    has no full-text search, every word must appear in the problem or the solution, in any case,
    and the latest come first instead of the most relevant."""
    query = " ".join((query or "").split())[:200]
    if not query:
        return _LATEST_CASES.objects(
            shape=(category_id is not None, exclude_ticket_id is not None, limit),
            category_id=category_id or 0,
            ticket_id=exclude_ticket_id or 0,
        )
    rows = CaseRecord.objects.select_related("category", "ticket")
    if exclude_ticket_id is not None:
        rows = rows.exclude(ticket_id=exclude_ticket_id)
    same_category = Case(When(category_id=category_id, then=Value(1)), default=Value(0), output_field=IntegerField())
    if not settings.DATABASE_IS_POSTGRES:
        return list(
            rows.filter(_every_word(query))
            .annotate(same_category=same_category)
            .order_by("-same_category", "-solved_at", "-id")[:limit]
        )
    search = SearchQuery(query, config="simple", search_type="websearch")
    return list(
        rows.filter(search_vector=search)
        .annotate(rank=SearchRank(F("search_vector"), search), same_category=same_category)
        .order_by("-same_category", "-rank", "-solved_at", "-id")[:limit]
    )


def _every_word(query: str) -> Q:
    """Each word (quotes and a leading minus of the web-search syntax dropped) in the problem or
    the solution."""
    condition = Q()
    for word in query.replace('"', " ").split():
        word = word.lstrip("-")
        if word and word.lower() != "or":
            condition &= Q(problem__icontains=word) | Q(solution__icontains=word)
    return condition


# --- Reports: CSAT and response rate ---------------------------------------------------------

GROUPINGS: dict[str, tuple[Any, Any]] = {
    # name: (key expression, label expression)
    "agent": (F("agent_id"), F("agent__username")),
    "team": (F("team_id"), F("team__name")),
    "category": (F("category_id"), F("category__slug")),
    "country": (F("country"), F("country")),
    "week": (TruncWeek("sent_at"), TruncWeek("sent_at")),
}


def _ratio(numerator: str, denominator: str) -> Any:
    return Cast(F(numerator), FloatField()) / NullIf(Cast(F(denominator), FloatField()), Value(0.0))


def csat_report(
    *,
    by: str,
    start: datetime | None = None,
    end: datetime | None = None,
    team_id: int | None = None,
) -> list[dict[str, Any]]:
    """Per group (agent, team, category, country or week of sending), over the invitations sent
    in [start, end): how many were sent and answered, how many answers were 4 or 5, CSAT (the
    share of answers rated 4-5) and the response rate. One aggregate query."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    key, label = GROUPINGS[by]
    rows = SurveyInvitation.objects.filter(sent_at__isnull=False)
    if start is not None:
        rows = rows.filter(sent_at__gte=start)
    if end is not None:
        rows = rows.filter(sent_at__lt=end)
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    return list(
        rows.annotate(key=key, label=label)
        .values("key", "label")
        .annotate(
            sent=Count("id"),
            responses=Count("response"),
            satisfied=Count("response", filter=Q(response__rating__gte=4)),
        )
        .annotate(csat=_ratio("satisfied", "responses"), response_rate=_ratio("responses", "sent"))
        .order_by(F("key").asc(nulls_last=True))
    )
