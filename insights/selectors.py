"""Reads of customer insight, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from helpdesk import roles
from helpdesk.prepared import Prepared
from tickets.models import Customer
from tickets.scope import through_visible_tickets

from .models import AgentDailyStats, CallbackOutcome, CallbackTask, CustomerProfile, Segment
from .services.callbacks import missed_before


def visible_customers(user: Any) -> QuerySet[Customer]:
    return through_visible_tickets(Customer.objects.all(), user, "customer")


_SEGMENTS = Prepared(
    lambda customer_id: Segment.objects.filter(is_active=True, memberships__customer_id=customer_id).order_by(
        "position"
    ),
    customer_id=int,
)
_PROFILE = Prepared(
    lambda customer_id: CustomerProfile.objects.filter(customer_id=customer_id).order_by("pk")[:1], customer_id=int
)
_PENDING_CALLBACKS = Prepared(
    lambda customer_id: (
        CallbackTask.objects.filter(customer_id=customer_id, outcome=CallbackOutcome.PENDING)
        .select_related("plan")
        .order_by("due_at")[:3]
    ),
    customer_id=int,
)


def customer_segments(customer_id: int) -> list[Segment]:
    return _SEGMENTS.objects(customer_id=customer_id)


def profile_of(customer_id: int) -> CustomerProfile | None:
    return _PROFILE.first(customer_id=customer_id)


def pending_callbacks(customer_id: int) -> list[CallbackTask]:
    """The customer's next three callbacks still to make, soonest first."""
    return _PENDING_CALLBACKS.objects(customer_id=customer_id)


def callbacks_for(user: Any) -> QuerySet[CallbackTask]:
    """Callbacks of customers the user may see; admins see all."""
    tasks = CallbackTask.objects.select_related("plan", "plan__segment", "customer", "ticket", "done_by")
    if roles.is_admin(user) or roles.holds(user, roles.SEE_ALL_TICKETS):
        return tasks
    profile = getattr(user, "agent_profile", None)
    team_id = profile.team_id if profile is not None else None
    return tasks.filter(Q(team_id_at_creation=team_id) | Q(ticket__assignee=user))


def callbacks_open_count(user: Any) -> int:
    return callbacks_for(user).filter(outcome=CallbackOutcome.PENDING, due_at__lte=timezone.now()).count()


def callback_plan_report(user: Any, *, first: datetime, last: datetime, now: datetime | None = None) -> list[dict]:
    """Per plan, the callbacks due in [first, last): done (by outcome), missed, still to do."""
    missed = missed_before(now)
    todo = Q(outcome=CallbackOutcome.PENDING)
    rows = (
        callbacks_for(user)
        .filter(due_at__gte=first, due_at__lt=last)
        .values("plan_id", "plan__name", "plan__segment__name")
        .annotate(
            due=Count("id"),
            reached=Count("id", filter=Q(outcome=CallbackOutcome.REACHED)),
            no_answer=Count("id", filter=Q(outcome=CallbackOutcome.NO_ANSWER)),
            follow_up=Count("id", filter=Q(outcome=CallbackOutcome.FOLLOW_UP)),
            missed=Count("id", filter=todo & Q(due_at__lt=missed)),
            waiting=Count("id", filter=todo & Q(due_at__gte=missed)),
        )
        .order_by("plan__segment__name", "plan__name")
    )
    return [
        {
            **row,
            "done": row["reached"] + row["no_answer"] + row["follow_up"],
        }
        for row in rows
    ]


def at_risk(user: Any, *, now: datetime | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Customers slipping away, most valuable first. The rule (settings AT_RISK_*):
    - a low rating (at most AT_RISK_LOW_RATING) within AT_RISK_WINDOW_DAYS, or
    - AT_RISK_COMPLAINTS complaints or more within AT_RISK_WINDOW_DAYS, or
    - silence: AT_RISK_SILENT_MIN_ORDERS orders or more, yet no order and no message for AT_RISK_SILENCE_DAYS.
    Each reason is listed; customers with more reasons come first, then by spend in the last 12 months."""
    now = now or timezone.now()
    quiet_since = now - timedelta(days=settings.AT_RISK_SILENCE_DAYS)
    low = Q(low_ratings_recent__gt=0)
    complaining = Q(complaints_recent__gte=settings.AT_RISK_COMPLAINTS)
    silent = (
        Q(orders__gte=settings.AT_RISK_SILENT_MIN_ORDERS)
        & (Q(last_order_at__isnull=True) | Q(last_order_at__lt=quiet_since))
        & (Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=quiet_since))
    )
    visible = visible_customers(user).values("pk")
    profiles = (
        CustomerProfile.objects.filter(low | complaining | silent, customer__in=visible)
        .select_related("customer")
        .order_by("-spend_12m_usd", "customer_id")[: limit * 2]
    )
    rows: list[dict[str, Any]] = []
    for profile in profiles:
        reasons = []
        if profile.low_ratings_recent:
            reasons.append("low_rating")
        if profile.complaints_recent >= settings.AT_RISK_COMPLAINTS:
            reasons.append("complaints")
        if profile.orders >= settings.AT_RISK_SILENT_MIN_ORDERS and all(
            t is None or t < quiet_since for t in (profile.last_order_at, profile.last_contact_at)
        ):
            reasons.append("silence")
        rows.append({"profile": profile, "customer": profile.customer, "reasons": reasons})
    rows.sort(key=lambda r: (-len(r["reasons"]), -r["profile"].spend_12m_usd, r["profile"].customer_id))
    return rows[:limit]


@dataclass(frozen=True)
class ScorecardScope:
    """Whose scorecards a user sees: an agent their own, a supervisor their team, an admin everyone."""

    agent_id: int | None = None
    team_id: int | None = None
    everyone: bool = False


def scorecard_scope(user: Any) -> ScorecardScope | None:
    if not (user.is_authenticated and user.is_active):
        return None
    if roles.is_admin(user):
        return ScorecardScope(everyone=True)
    profile = getattr(user, "agent_profile", None)
    team_id = profile.team_id if profile is not None else None
    if roles.is_supervisor(user) and team_id is not None:
        return ScorecardScope(team_id=team_id)
    if roles.is_agent(user):
        return ScorecardScope(agent_id=user.pk)
    return None


SUMS = {
    name: Sum(name)
    for name in (
        "first_responses",
        "first_response_seconds",
        "solved",
        "resolution_seconds",
        "sla_met",
        "sla_missed",
        "reopened",
        "ratings",
        "rating_sum",
        "satisfied",
        "compensation_usd",
    )
}


def scorecard_rows(scope: ScorecardScope, *, first: date, last: date, by: tuple[str, ...]) -> list[dict[str, Any]]:
    """Sums of the daily figures over first..last, grouped by `by` ("agent", "team", "week")."""
    rows = AgentDailyStats.objects.filter(day__gte=first, day__lte=last)
    if scope.agent_id is not None:
        rows = rows.filter(agent_id=scope.agent_id)
    elif scope.team_id is not None:
        rows = rows.filter(team_id=scope.team_id)
    fields = {"agent": "agent_id", "team": "team_id", "week": "week"}
    if "week" in by:
        rows = rows.annotate(week=TruncWeek("day", output_field=DateField()))
    values = [fields[b] for b in by]
    if "agent" in by:
        values += ["agent__username", "agent__first_name", "agent__last_name"]
    if "team" in by:
        values += ["team__name"]
    result = rows.values(*values).annotate(**SUMS).order_by(*[fields[b] for b in by])
    return [with_rates(dict(row)) for row in result]


def with_rates(row: dict[str, Any]) -> dict[str, Any]:
    def ratio(a: Any, b: Any) -> float | None:
        return (a or 0) / b if b else None

    row["first_response_avg"] = ratio(row["first_response_seconds"], row["first_responses"])
    row["resolution_avg"] = ratio(row["resolution_seconds"], row["solved"])
    row["sla_compliance"] = ratio(row["sla_met"], (row["sla_met"] or 0) + (row["sla_missed"] or 0))
    row["reopen_rate"] = ratio(row["reopened"], row["solved"])
    row["csat"] = ratio(row["satisfied"], row["ratings"])
    row["rating_avg"] = ratio(row["rating_sum"], row["ratings"])
    return row
