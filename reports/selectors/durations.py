"""First-response and resolution times: medians and 90th percentiles, read from the daily durations.

The period's histograms (reports.models.DailyDurations, kept by the summary refresh) of a measure
are added up three ways in one statement: per day (or week), per group of the breakdown (team,
agent, category, ...) and, from the days, for the whole period (GROUPING SETS on PostgreSQL,
UNION ALL on SQLite).
What is measured and how close the percentiles are: reports/histograms.py.

- First response: tickets created in the period; unanswered tickets count as created only.
- Resolution: tickets solved in the period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import CharField, DateField, F, QuerySet, Sum
from django.db.models.functions import Cast, TruncWeek

from tickets.models import Ticket

from ..access import ReportFilters
from ..histograms import FIRST_RESPONSE, RESOLUTION, DurationStats, Histogram
from ..models import DailyDurations, DurationMetric, WeeklyDurations
from ..periods import week_start
from .summary import SUMMARY_DIMENSIONS, SUMMARY_PATHS

__all__ = ["FIRST_RESPONSE", "RESOLUTION", "DurationFigures", "DurationStats"]


@dataclass
class DurationFigures:
    total: DurationStats = field(default_factory=DurationStats)
    by_day: dict[date, DurationStats] = field(default_factory=dict)  # day, or the Monday of a week
    by_group: dict[Any, DurationStats] = field(default_factory=dict)


def as_date(value: Any) -> Any:
    """A day as the database returned it (a timestamp from DATE_TRUNC, text from SQLite) as a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


BY_DAY, BY_GROUP = 1, 2  # which sum a result row belongs to (PostgreSQL's GROUPING())


def _statement(sql: str, vendor: str) -> str:
    """Wrap the ORM's compiled SQL (its values are parameters; its rows already summed per day,
    group and bucket, a step the database shares between parallel workers) in the two sums: only
    quoted identifiers and fixed SQL are added here."""
    quote = connection.ops.quote_name
    day, group, bucket = quote("r_day"), quote("r_group"), quote("bucket")
    sums = f"SUM({quote('r_tickets')}), SUM({quote('r_seconds')})"
    if vendor == "postgresql":
        return (
            f"SELECT GROUPING({day}, {group}), {day}, {group}, {bucket}, {sums} "  # noqa: S608 (see docstring)
            f"FROM ({sql}) AS rows GROUP BY GROUPING SETS (({day}, {bucket}), ({group}, {bucket}))"
        )
    return (
        f"WITH rows AS ({sql}) "  # noqa: S608 (see docstring)
        f"SELECT {BY_DAY}, {day}, NULL, {bucket}, {sums} FROM rows GROUP BY {day}, {bucket} "
        f"UNION ALL SELECT {BY_GROUP}, NULL, {group}, {bucket}, {sums} FROM rows GROUP BY {group}, {bucket}"
    )


def _daily(filters: ReportFilters, metric: DurationMetric, by: str, first: date, last: date) -> QuerySet[Any]:
    key = TruncWeek("day", output_field=DateField()) if filters.step == "week" else F("day")
    group = F(SUMMARY_DIMENSIONS[by])
    return (
        DailyDurations.objects.filter(metric=metric, day__gte=first, day__lte=last)
        .filter(filters.q(SUMMARY_PATHS))
        .order_by()
        .annotate(r_day=key, r_group=group if by == "team" else Cast(group, CharField()))
        .values("r_day", "r_group", "bucket")
        .annotate(r_tickets=Sum("tickets"), r_seconds=Sum("seconds"))
    )


def _weekly(filters: ReportFilters, metric: DurationMetric, by: str, first: date, last: date) -> QuerySet[Any]:
    rows = WeeklyDurations.objects.filter(
        metric=metric, dimension="" if by == "team" else by, week__gte=first, week__lte=last
    ).filter(filters.q({"team": "team_id"}))
    return (
        rows.order_by()
        .annotate(r_day=F("week"), r_group=F("team_id") if by == "team" else F("value"))
        .values("r_day", "r_group", "bucket")
        .annotate(r_tickets=Sum("tickets"), r_seconds=Sum("seconds"))
    )


def _period_rows(filters: ReportFilters, metric: DurationMetric, by: str) -> tuple[str, list[Any]]:
    """The period's histograms summed per day (or week), group and bucket, as SQL. By week and with no
    filter but the team, the whole weeks come from the weekly rows and only the days of a partial
    first or last week from the daily ones."""
    period = filters.period
    first_week = week_start(period.first + timedelta(days=6))  # the first Monday on or after the first day
    after_weeks = week_start(period.last + timedelta(days=1))  # the Monday after the last whole week
    narrowed = any(filters.values()[name] not in (None, "") for name in ("agent", "category", "country", "channel"))
    if filters.step != "week" or narrowed or first_week >= after_weeks:
        sql, params = _daily(filters, metric, by, period.first, period.last).query.sql_with_params()
        return sql, list(params)
    parts = [_weekly(filters, metric, by, first_week, after_weeks - timedelta(days=7))]
    if period.first < first_week:
        parts.append(_daily(filters, metric, by, period.first, first_week - timedelta(days=1)))
    if after_weeks <= period.last:
        parts.append(_daily(filters, metric, by, after_weeks, period.last))
    compiled = [part.query.sql_with_params() for part in parts]
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({part_sql}) AS part_{i}"  # noqa: S608 (the ORM's compiled SQL; values are parameters)
        for i, (part_sql, _p) in enumerate(compiled)
    )
    return sql, [param for _sql, part_params in compiled for param in part_params]


def _group_key(by: str, value: Any) -> Any:
    """A group as the breakdown names it: the ids of teams, agents and categories, the codes of the rest."""
    if by in ("agent", "category") and value is not None:
        return int(value) if value != "" else None
    return value


def duration_figures(filters: ReportFilters, metric: DurationMetric, by: str) -> DurationFigures:
    """The period's figures of one measure in one statement over its histograms."""
    sql, params = _period_rows(filters, metric, by)
    with connection.cursor() as cursor:
        cursor.execute(_statement(sql, connection.vendor), params)
        result = cursor.fetchall()
    total = Histogram()
    days: dict[Any, Histogram] = defaultdict(Histogram)
    groups: dict[Any, Histogram] = defaultdict(Histogram)
    for part, day_value, group_value, bucket, tickets, seconds in result:
        if part == BY_DAY:
            days[as_date(day_value)].add(bucket, tickets, seconds)
            total.add(bucket, tickets, seconds)
        else:
            groups[_group_key(by, group_value)].add(bucket, tickets, seconds)
    return DurationFigures(
        total=total.stats(),
        by_day={day: histogram.stats() for day, histogram in days.items()},
        by_group={group: histogram.stats() for group, histogram in groups.items()},
    )


def created_in_period(filters: ReportFilters) -> QuerySet[Ticket]:
    period = filters.period
    return Ticket.objects.filter(created_at__gte=period.start, created_at__lt=period.end).filter(filters.tickets_q())


def solved_in_period(filters: ReportFilters) -> QuerySet[Ticket]:
    period = filters.period
    return Ticket.objects.filter(solved_at__gte=period.start, solved_at__lt=period.end).filter(filters.tickets_q())


def first_response_figures(filters: ReportFilters, by: str) -> DurationFigures:
    """Tickets created in the period, by day (or week) of creation and by `by`."""
    return duration_figures(filters, DurationMetric.FIRST_RESPONSE, by)


def resolution_figures(filters: ReportFilters, by: str) -> DurationFigures:
    """Tickets solved in the period, by day (or week) of solving and by `by`."""
    return duration_figures(filters, DurationMetric.RESOLUTION, by)
