"""First-response and resolution times: medians and 90th percentiles, live and exact.

Percentiles cannot be added up from daily rows, so they are computed by the database over the
tickets of the filtered period, in one statement per figure: the period's tickets are read once
(through the covering indexes of migration 0002, index-only) and aggregated three ways: for the
whole period, per day (or week), and per group of the breakdown (team, agent, category, ...),
with GROUPING SETS on PostgreSQL (a CTE read three times on SQLite).

- First response: tickets created in the period; from the customer's first message (or the
  ticket's creation) to the first public reply. Unanswered tickets count as created only.
- Resolution: tickets solved in the period; from creation to solve (wall time, pending included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import DateField, Expression, F, QuerySet
from django.db.models.functions import Coalesce, TruncDate, TruncWeek

from tickets.models import Ticket

from ..access import TICKET_PATHS, ReportFilters
from ..expressions import SecondsBetween, percentile_sql
from ..periods import support_zone


@dataclass(frozen=True)
class DurationStats:
    count: int = 0  # tickets in the cohort
    measured: int = 0  # of which with a duration (answered, for first response)
    median: float | None = None  # seconds
    p90: float | None = None


@dataclass
class DurationFigures:
    total: DurationStats = field(default_factory=DurationStats)
    by_day: dict[date, DurationStats] = field(default_factory=dict)  # day, or the Monday of a week
    by_group: dict[Any, DurationStats] = field(default_factory=dict)


def bucket(moment: str, step: str) -> Any:
    if step == "week":
        return TruncWeek(moment, tzinfo=support_zone(), output_field=DateField())
    return TruncDate(moment, tzinfo=support_zone())


def as_date(value: Any) -> Any:
    """A day as the database returned it (a timestamp from DATE_TRUNC, text from SQLite) as a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


BY_DAY, BY_GROUP, TOTAL = 1, 2, 3  # which aggregate a result row belongs to (PostgreSQL's GROUPING())


def _statement(sql: str, vendor: str) -> str:
    """Wrap the ORM's compiled SQL (its values are parameters) in the three aggregates: only quoted
    identifiers and fixed SQL are added here."""
    quote = connection.ops.quote_name
    day, group, v = quote("r_day"), quote("r_group"), quote("r_value")
    median, p90 = (percentile_sql(vendor, v, f) for f in (0.5, 0.9))
    aggregates = f"COUNT(*), COUNT({v}), {median}, {p90}"
    if vendor == "postgresql":
        return (
            f"SELECT GROUPING({day}, {group}), {day}, {group}, {aggregates} "  # noqa: S608 (see docstring)
            f"FROM ({sql}) AS facts GROUP BY GROUPING SETS (({day}), ({group}), ())"
        )
    return (
        f"WITH facts AS ({sql}) "  # noqa: S608 (see docstring)
        f"SELECT {BY_DAY}, {day}, NULL, {aggregates} FROM facts GROUP BY {day} "
        f"UNION ALL SELECT {BY_GROUP}, NULL, {group}, {aggregates} FROM facts GROUP BY {group} "
        f"UNION ALL SELECT {TOTAL}, NULL, NULL, {aggregates} FROM facts"
    )


def duration_figures(rows: QuerySet[Any], value: Expression, moment: str, step: str, by: str) -> DurationFigures:
    """The cohort's figures in one statement that reads its tickets once."""
    inner = (
        rows.order_by()
        .annotate(r_day=bucket(moment, step), r_group=F(TICKET_PATHS[by]), r_value=value)
        .values("r_day", "r_group", "r_value")
    )
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_statement(sql, connection.vendor), params)
        result = cursor.fetchall()
    figures = DurationFigures()
    for part, day_value, group_value, count, measured, p50, p90_value in result:
        stats = DurationStats(count, measured, p50, p90_value)
        if part == TOTAL:
            figures.total = stats
        elif part == BY_DAY:
            figures.by_day[as_date(day_value)] = stats
        else:
            figures.by_group[group_value] = stats
    return figures


def created_in_period(filters: ReportFilters) -> QuerySet[Ticket]:
    period = filters.period
    return Ticket.objects.filter(created_at__gte=period.start, created_at__lt=period.end).filter(filters.tickets_q())


def solved_in_period(filters: ReportFilters) -> QuerySet[Ticket]:
    period = filters.period
    return Ticket.objects.filter(solved_at__gte=period.start, solved_at__lt=period.end).filter(filters.tickets_q())


FIRST_RESPONSE = SecondsBetween("first_response_at", Coalesce("first_customer_message_at", "created_at"))
RESOLUTION = SecondsBetween("solved_at", "created_at")


def first_response_figures(filters: ReportFilters, by: str) -> DurationFigures:
    """Tickets created in the period, by day (or week) of creation and by `by`."""
    return duration_figures(created_in_period(filters), FIRST_RESPONSE, "created_at", filters.step, by)


def resolution_figures(filters: ReportFilters, by: str) -> DurationFigures:
    """Tickets solved in the period, by day (or week) of solving and by `by`."""
    return duration_figures(solved_in_period(filters), RESOLUTION, "solved_at", filters.step, by)
