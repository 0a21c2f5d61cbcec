"""Compensation granted (in USD) by kind and by the requesting agent's tier, its share of order
value, and the supervisors' approvals. Read live: compensation rows are few next to tickets.

A request belongs to the ticket's team, category and channel, to the customer's country, and to
the agent who asked for it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Min, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from policies.models import CompensationRequest, Kind, RequestState
from policies.services.requests import ESCALATE_AFTER
from tickets.models import Tier

from ..access import Paths, ReportFilters
from ..expressions import Percentile, SecondsBetween
from .links import approvals_url
from .tables import COUNT, MOMENT, RATIO, SECONDS, TEXT, USD, Chart, Column, Table, ratio

COMPENSATION_PATHS: Paths = {
    "team": "ticket__team_id",
    "agent": "requested_by_id",
    "category": "ticket__category_id",
    "country": "customer__country",
    "channel": "ticket__channel",
}
CENTS = Decimal("0.01")


def requests_in_scope(filters: ReportFilters) -> QuerySet[CompensationRequest]:
    return CompensationRequest.objects.filter(filters.q(COMPENSATION_PATHS))


def granted(filters: ReportFilters) -> QuerySet[CompensationRequest]:
    """Approved in the period (automatically within the agent's authority, or by a supervisor)."""
    period = filters.period
    return requests_in_scope(filters).filter(
        state=RequestState.APPROVED, decided_at__gte=period.start, decided_at__lt=period.end
    )


def granted_by_kind_and_tier(filters: ReportFilters) -> list[dict[str, Any]]:
    """One query: (kind, tier, count, usd) groups, split into the two tables below."""
    return list(
        granted(filters).values("kind", "requester_tier").annotate(count=Count("id"), usd=Sum("amount_usd")).order_by()
    )


def _grouped(groups: list[dict[str, Any]], key: str, labels: dict[str, Any]) -> list[dict[str, Any]]:
    """Sum the (kind, tier) groups by one of the two, in the order of `labels`."""
    sums: dict[str, dict[str, Any]] = {}
    for group in groups:
        entry = sums.setdefault(group[key] or "", {"count": 0, "usd": Decimal("0")})
        entry["count"] += group["count"]
        entry["usd"] += group["usd"] or Decimal("0")
    position = {value: index for index, value in enumerate(labels)}
    return [
        {"group": str(labels.get(value, value or "?")), "count": m["count"], "usd": m["usd"].quantize(CENTS)}
        for value, m in sorted(sums.items(), key=lambda item: (position.get(item[0], len(position)), item[0]))
    ]


def _money_table(name: str, title: Any, group_label: Any, rows: list[dict[str, Any]], **extra: Any) -> Table:
    total_usd = sum((r["usd"] for r in rows), Decimal("0.00"))
    for row in rows:
        row["share"] = ratio(row["usd"], total_usd) if total_usd else None
    return Table(
        name=name,
        title=title,
        columns=[
            Column("group", group_label, TEXT),
            Column("count", _("Granted"), COUNT),
            Column("usd", _("Amount (USD)"), USD),
            Column("share", _("Share of the amount"), RATIO),
        ],
        rows=rows,
        total={"group": "", "count": sum(r["count"] for r in rows), "usd": total_usd, "share": None},
        chart=Chart("bar", "group", ("usd",), unit="usd"),
        detail="compensation",
        **extra,
    )


def compensation_by_kind(filters: ReportFilters, groups: list[dict[str, Any]]) -> Table:
    return _money_table(
        "compensation_kind",
        _("Compensation granted by kind"),
        _("Kind"),
        _grouped(groups, "kind", dict(Kind.choices)),
        note=_("Approved in the period, in US dollars at the rate of the day of each request."),
    )


def compensation_by_tier(filters: ReportFilters, groups: list[dict[str, Any]]) -> Table:
    labels = {**dict(Tier.choices), "": _("No tier")}
    return _money_table(
        "compensation_tier",
        _("Compensation granted by the requesting agent's tier"),
        _("Tier"),
        _grouped(groups, "requester_tier", labels),
    )


def order_value_share(filters: ReportFilters) -> Table:
    """Compensation granted on orders against the value of those orders, each order once, in USD at
    the rate its compensation used (their average if it used several): one query."""
    per_order = (
        granted(filters)
        .filter(order__isnull=False)
        .values("order_id")
        .annotate(granted_usd=Sum("amount_usd"), order_usd=Avg(F("order__total") / F("rate")))
    )
    sums = per_order.aggregate(orders=Count("order_id"), granted=Sum("granted_usd"), value=Sum("order_usd"))
    granted_usd = Decimal(sums["granted"] or 0).quantize(CENTS)
    value_usd = Decimal(sums["value"] or 0).quantize(CENTS)
    row = {
        "orders": sums["orders"] or 0,
        "granted": granted_usd,
        "value": value_usd,
        "share": ratio(granted_usd, value_usd),
    }
    return Table(
        name="order_share",
        title=_("Compensation as a share of order value"),
        columns=[
            Column("orders", _("Orders compensated")),
            Column("granted", _("Granted (USD)"), USD),
            Column("value", _("Order value (USD)"), USD),
            Column("share", _("Share of order value"), RATIO),
        ],
        rows=[row],
        note=_("Compensation on tickets with an order, against the total value of those orders."),
        detail="compensation",
        transposed=True,
    )


def approvals(filters: ReportFilters) -> Table:
    """Requests waiting for a supervisor now, and the time supervisors took to decide those decided
    in the period (automatic approvals within an agent's authority left out): one query."""
    period, now = filters.period, filters.now
    waiting = Q(state=RequestState.PENDING)
    decided = Q(decided_at__gte=period.start, decided_at__lt=period.end, decision_log__automatic=False) & ~waiting
    delay = SecondsBetween("decided_at", "created_at")
    figures = (
        requests_in_scope(filters)
        .filter(waiting | decided)
        .aggregate(
            waiting=Count("id", filter=waiting),
            overdue=Count("id", filter=waiting & Q(created_at__lte=now - ESCALATE_AFTER)),
            oldest=Min("created_at", filter=waiting),
            decided=Count("id", filter=decided),
            approved=Count("id", filter=decided & Q(state=RequestState.APPROVED)),
            in_time=Count("id", filter=decided & Q(decided_at__lte=F("created_at") + ESCALATE_AFTER)),
            median=Percentile(delay, 0.5, filter=decided),
            p90=Percentile(delay, 0.9, filter=decided),
        )
    )
    minutes = int(ESCALATE_AFTER / timedelta(minutes=1))
    row = {**figures, "in_time_rate": ratio(figures["in_time"], figures["decided"])}
    return Table(
        name="approvals",
        title=_("Approvals"),
        columns=[
            Column("waiting", _("Waiting now")),
            Column("overdue", _("Waiting over %(minutes)d minutes") % {"minutes": minutes}),
            Column("oldest", _("Oldest waiting since"), MOMENT),
            Column("decided", _("Decided in the period")),
            Column("approved", _("Approved")),
            Column("median", _("Median time to decide"), SECONDS),
            Column("p90", _("90th percentile"), SECONDS),
            Column("in_time_rate", _("Decided within %(minutes)d minutes") % {"minutes": minutes}, RATIO),
        ],
        rows=[row],
        note=_("Requests above an agent's authority, waiting for or decided by a supervisor."),
        transposed=True,
        tickets_url="" if filters.access.personal else approvals_url(),
    )
