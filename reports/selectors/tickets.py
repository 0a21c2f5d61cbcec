"""Ticket figures: volume, first-response and resolution times, SLA compliance, backlog, CSAT and
return/exchange rate. Each builds one Table from queries made once per page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from tickets.models import OPEN_Q, Category, Status, Ticket
from tickets.selectors import STATUS_UNSOLVED

from ..access import ReportFilters
from ..periods import week_start
from .durations import DurationFigures, DurationStats
from .links import queue_url
from .summary import Measures, SummaryFigures
from .tables import DAY, RATIO, SECONDS, TEXT, Chart, Column, Table, ratio


def buckets(filters: ReportFilters) -> list[date]:
    """Every day (or Monday) of the period, so a chart's axis has no holes."""
    period = filters.period
    if filters.step == "week":
        first, step = week_start(period.first), 7
    else:
        first, step = period.first, 1
    return [first + timedelta(days=i) for i in range(0, (period.last - first).days + 1, step)]


def _bucket_column(filters: ReportFilters) -> Column:
    return Column("day", _("Week of") if filters.step == "week" else _("Day"), DAY)


def volume(filters: ReportFilters, first: DurationFigures, solved: DurationFigures) -> Table:
    empty = DurationStats()
    rows = [
        {"day": day, "created": first.by_day.get(day, empty).count, "solved": solved.by_day.get(day, empty).count}
        for day in buckets(filters)
    ]
    total = {"day": None, "created": first.total.count, "solved": solved.total.count}
    return Table(
        name="volume",
        title=_("Tickets created and solved"),
        columns=[_bucket_column(filters), Column("created", _("Created")), Column("solved", _("Solved"))],
        rows=rows,
        total=total,
        chart=Chart("bar", "day", ("created", "solved"), unit="count"),
        tickets_url=queue_url(filters),
        detail="tickets",
    )


def _duration_table(
    filters: ReportFilters, name: str, figures: DurationFigures, count_label: Any, unit: str, **extra: Any
) -> Table:
    def row(day: Any, stats: DurationStats) -> dict[str, Any]:
        return {"day": day, "count": stats.measured, "median": stats.median, "p90": stats.p90}

    empty = DurationStats()
    return Table(
        name=name,
        columns=[
            _bucket_column(filters),
            Column("count", count_label),
            Column("median", _("Median"), SECONDS),
            Column("p90", _("90th percentile"), SECONDS),
        ],
        rows=[row(day, figures.by_day.get(day, empty)) for day in buckets(filters)],
        total=row(None, figures.total),
        chart=Chart("line", "day", ("median", "p90"), unit=unit),
        tickets_url=queue_url(filters),
        **extra,
    )


def first_response(filters: ReportFilters, figures: DurationFigures) -> Table:
    return _duration_table(
        filters,
        "first_response",
        figures,
        _("Answered"),
        "minutes",
        detail="tickets",
        title=_("First response time"),
        note=_(
            "Tickets created in the period, from the customer's first message to the first public reply. "
            "Medians and percentiles are exact, computed live."
        ),
    )


def resolution(filters: ReportFilters, figures: DurationFigures) -> Table:
    return _duration_table(
        filters,
        "resolution",
        figures,
        _("Solved"),
        "hours",
        detail="solved_tickets",
        title=_("Resolution time"),
        note=_("Tickets solved in the period, from arrival to solved (time waiting on the customer included)."),
    )


def sla(filters: ReportFilters, summary: SummaryFigures) -> Table:
    def row(day: Any, m: Measures) -> dict[str, Any]:
        fr_met, fr_missed = m.get("first_response_met", 0), m.get("first_response_missed", 0)
        res_met, res_missed = m.get("resolution_met", 0), m.get("resolution_missed", 0)
        return {
            "day": day,
            "fr_met": fr_met,
            "fr_missed": fr_missed,
            "fr_rate": ratio(fr_met, fr_met + fr_missed),
            "res_met": res_met,
            "res_missed": res_missed,
            "res_rate": ratio(res_met, res_met + res_missed),
        }

    return Table(
        name="sla",
        title=_("SLA compliance"),
        columns=[
            _bucket_column(filters),
            Column("fr_met", _("First response in time")),
            Column("fr_missed", _("First response late")),
            Column("fr_rate", _("First response compliance"), RATIO),
            Column("res_met", _("Resolution in time")),
            Column("res_missed", _("Resolution late")),
            Column("res_rate", _("Resolution compliance"), RATIO),
        ],
        rows=[row(day, summary.by_day.get(day, {})) for day in buckets(filters)],
        total=row(None, summary.total),
        chart=Chart("line", "day", ("fr_rate", "res_rate"), unit="percent"),
        note=_(
            "SLA clocks decided in the period: met in time, or late (a breach was recorded, or the target "
            "was met after its deadline). Clocks still running are not counted."
        ),
        tickets_url=queue_url(filters),
    )


def csat(filters: ReportFilters, summary: SummaryFigures) -> Table:
    def row(day: Any, m: Measures) -> dict[str, Any]:
        sent, answered, satisfied = (
            m.get("surveys_sent", 0),
            m.get("surveys_answered", 0),
            m.get("surveys_satisfied", 0),
        )
        return {
            "day": day,
            "sent": sent,
            "answered": answered,
            "satisfied": satisfied,
            "csat": ratio(satisfied, answered),
            "response_rate": ratio(answered, sent),
        }

    return Table(
        name="csat",
        title=_("Customer satisfaction"),
        columns=[
            _bucket_column(filters),
            Column("sent", _("Surveys sent")),
            Column("answered", _("Answered")),
            Column("satisfied", _("Rated 4 or 5")),
            Column("csat", _("CSAT"), RATIO),
            Column("response_rate", _("Response rate"), RATIO),
        ],
        rows=[row(day, summary.by_day.get(day, {})) for day in buckets(filters)],
        total=row(None, summary.total),
        chart=Chart("line", "day", ("csat", "response_rate"), unit="percent"),
        note=_("Surveys sent in the period. CSAT is the share of answers rated 4 or 5."),
        tickets_url=queue_url(filters),
    )


def return_exchange(filters: ReportFilters, summary: SummaryFigures, categories: list[Category]) -> Table:
    names = {c.pk: c.name for c in categories}

    def row(category_id: Any, m: Measures) -> dict[str, Any]:
        created, returned = m.get("created", 0), m.get("return_exchange", 0)
        label = names.get(category_id, _("No category")) if category_id is not None else _("No category")
        return {
            "category": str(label),
            "created": created,
            "returned": returned,
            "rate": ratio(returned, created),
            "link": queue_url(filters, category=category_id) if category_id is not None else "",
        }

    rows = sorted(
        (row(pk, m) for pk, m in summary.by_category.items() if m.get("created")),
        key=lambda r: (-(r["rate"] or 0), r["category"]),
    )
    created = sum(r["created"] for r in rows)
    returned = sum(r["returned"] for r in rows)
    return Table(
        name="return_exchange",
        title=_("Return and exchange rate by category"),
        columns=[
            Column("category", _("Category"), TEXT),
            Column("created", _("Tickets created")),
            Column("returned", _("With a return or exchange")),
            Column("rate", _("Rate"), RATIO),
        ],
        rows=rows,
        total={"category": "", "created": created, "returned": returned, "rate": ratio(returned, created)},
        chart=Chart("bar", "category", ("rate",), unit="percent"),
        note=_("Share of the tickets created in the period with an approved free return or exchange."),
        link_column="category",
        tickets_url=queue_url(filters),
        detail="tickets",
    )


AGE_BUCKETS = (
    ("age_0", _("Under 1 day"), None, 1),
    ("age_1", _("1 to 3 days"), 1, 3),
    ("age_3", _("3 to 7 days"), 3, 7),
    ("age_7", _("7 to 30 days"), 7, 30),
    ("age_30", _("Over 30 days"), 30, None),
)


def backlog(filters: ReportFilters) -> Table:
    """Open tickets now (whatever the period), by status and age since arrival: one query."""
    now = filters.now
    counts: dict[str, Any] = {"total": Count("id")}
    for key, _label, older_than, younger_than in AGE_BUCKETS:
        condition = Q()
        if older_than is not None:
            condition &= Q(created_at__lte=now - timedelta(days=older_than))
        if younger_than is not None:
            condition &= Q(created_at__gt=now - timedelta(days=younger_than))
        counts[key] = Count("id", filter=condition)
    found = {
        row["status"]: row
        for row in Ticket.objects.filter(OPEN_Q).filter(filters.tickets_q()).values("status").annotate(**counts)
    }
    rows = []
    for status in (Status.NEW, Status.OPEN, Status.PENDING):
        row = {key: found.get(status.value, {}).get(key, 0) for key in ("total", *(b[0] for b in AGE_BUCKETS))}
        rows.append({"status": str(status.label), **row, "link": queue_url(filters, status=status.value)})
    total = {key: sum(r[key] for r in rows) for key in ("total", *(b[0] for b in AGE_BUCKETS))}
    return Table(
        name="backlog",
        title=_("Backlog now"),
        columns=[
            Column("status", _("Status"), TEXT),
            *(Column(key, label) for key, label, _o, _y in AGE_BUCKETS),
            Column("total", _("Open")),
        ],
        rows=rows,
        total={"status": "", **total},
        chart=Chart("bar", "status", tuple(b[0] for b in AGE_BUCKETS), stacked=True, unit="count"),
        note=_("Tickets open now (new, open or pending), by time since they arrived. The period does not apply."),
        link_column="status",
        tickets_url=queue_url(filters, status=STATUS_UNSOLVED),
    )
