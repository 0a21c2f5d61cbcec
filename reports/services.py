"""The one write of the reports app: refreshing the daily summary and the daily durations.

A refresh recomputes whole days: it deletes the rows of the days it covers and inserts them again
from the source tables, one INSERT ... SELECT ... GROUP BY per table that the database runs (no
ticket passes through Python). Normally it covers the last REFRESH_DAYS days, which is where
tickets still change (first responses, solves, SLA outcomes, late returns); once a day it rebuilds
every day, so a rare change to an older ticket (a reclassification, a reopen) is caught within a day.

Safe to run twice, and at the same time: it locks the SummaryRefresh row first, so refreshes run
one after the other, and everything happens in one transaction, so a reader sees the summary
either before or after a refresh, never half-written. Running it again recomputes the same rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate, TruncWeek
from django.utils import timezone

from feedback.models import SurveyInvitation
from policies.models import CompensationRequest, Kind, RequestState
from tickets.models import Metric, SlaClock, Ticket

from .expressions import SecondsBetween
from .histograms import FIRST_RESPONSE, RESOLUTION, DurationBucket
from .models import DailyDurations, DailyTicketStats, DurationMetric, SummaryRefresh, WeeklyDurations
from .periods import day_start, support_today, support_zone, week_start

REFRESH_DAYS = 35
FULL_REBUILD_EVERY = timedelta(hours=24)

DIMENSIONS = ("day", "team_id", "agent_id", "category_id", "country", "channel")
MEASURES = (
    "created",
    "return_exchange",
    "first_response_met",
    "first_response_missed",
    "resolution_met",
    "resolution_missed",
    "surveys_sent",
    "surveys_answered",
    "surveys_satisfied",
)


@dataclass(frozen=True)
class RefreshResult:
    full: bool
    first_day: date | None
    rows: int
    duration_ms: int


def _one(condition: Q | None = None) -> Any:
    if condition is None:
        return Value(1, output_field=IntegerField())
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _dims(moment: str, ticket: str) -> dict[str, Any]:
    """The day an event happened (in the support centre's zone) and its ticket's dimensions."""
    return {
        "r_day": TruncDate(moment, tzinfo=support_zone()),
        "r_team_id": F(f"{ticket}team_id"),
        "r_agent_id": F(f"{ticket}assignee_id"),
        "r_category_id": F(f"{ticket}category_id"),
        "r_country": Coalesce(F(f"{ticket}customer__country"), Value("")),
        "r_channel": F(f"{ticket}channel"),
    }


def _facts(rows: QuerySet[Any], moment: str, ticket: str, **measures: Any) -> QuerySet[Any]:
    """One row per event: the day it happened, the ticket's dimensions, 1 in the measures it counts."""
    zero = Value(0, output_field=IntegerField())
    dims = _dims(moment, ticket)
    dims.update({k: v for k, v in measures.items() if k.startswith("r_")})
    values = {f"m_{name}": measures.get(name, zero) for name in MEASURES}
    return rows.order_by().annotate(**dims, **values).values(*dims, *values)


def _since(field: str, start: datetime | None) -> Q:
    return Q(**{f"{field}__gte": start}) if start is not None else Q(**{f"{field}__isnull": False})


def _arrivals(start: datetime | None) -> QuerySet[Any]:
    returned = CompensationRequest.objects.filter(
        ticket_id=OuterRef("pk"), kind=Kind.RETURN_EXCHANGE, state=RequestState.APPROVED
    )
    rows = Ticket.objects.filter(_since("created_at", start))
    return _facts(rows, "created_at", "", created=_one(), return_exchange=_one(Q(Exists(returned))))


def _clock_outcomes(start: datetime | None) -> QuerySet[Any]:
    """Clocks decided since `start`: breached (missed), or met, late when met after the deadline
    even if no sweep recorded the breach (the deadline moves on by the time spent paused)."""
    rows = SlaClock.objects.annotate(
        decided_at=Coalesce("breached_at", "met_at"),
        elapsed=SecondsBetween("met_at", "started_at"),
        allowed=F("paused_seconds") + F("target_minutes") * 60,
    ).filter(_since("decided_at", start))
    missed = Q(breached_at__isnull=False) | Q(elapsed__gt=F("allowed"))
    met = Q(breached_at__isnull=True, elapsed__lte=F("allowed"))
    first, resolution = Q(metric=Metric.FIRST_RESPONSE), Q(metric=Metric.RESOLUTION)
    return _facts(
        rows,
        "decided_at",
        "ticket__",
        first_response_met=_one(first & met),
        first_response_missed=_one(first & missed),
        resolution_met=_one(resolution & met),
        resolution_missed=_one(resolution & missed),
    )


def _surveys(start: datetime | None) -> QuerySet[Any]:
    """Invitations by the day they were sent, with who and what they were about as copied at solve
    time (as feedback.selectors.csat_report counts them)."""
    rows = SurveyInvitation.objects.filter(_since("sent_at", start))
    return _facts(
        rows,
        "sent_at",
        "ticket__",
        r_team_id=F("team_id"),
        r_agent_id=F("agent_id"),
        r_category_id=F("category_id"),
        r_country=F("country"),
        surveys_sent=_one(),
        surveys_answered=_one(Q(response__isnull=False)),
        surveys_satisfied=_one(Q(response__rating__gte=4)),
    )


def _union_sql(parts: list[QuerySet[Any]], columns: list[str]) -> tuple[str, list[Any]]:
    """The parts' rows, one after the other. Only quoted identifiers and the ORM's own compiled SQL
    are put together here; every value is a parameter."""
    quote = connection.ops.quote_name
    select_list = ", ".join(quote(c) for c in columns)
    statements: list[str] = []
    params: list[Any] = []
    for index, facts in enumerate(parts):
        sql, part_params = facts.query.sql_with_params()
        statements.append(f"SELECT {select_list} FROM ({sql}) AS events_{index}")  # noqa: S608 (see docstring)
        params.extend(part_params)
    return " UNION ALL ".join(statements), params


def _insert_sql(start: datetime | None) -> tuple[str, list[Any]]:
    """INSERT ... SELECT dims, SUM(measures) FROM (events UNION ALL ...) GROUP BY dims."""
    quote = connection.ops.quote_name
    parts = [_arrivals(start), _clock_outcomes(start), _surveys(start)]
    union, params = _union_sql(parts, [f"r_{d}" for d in DIMENSIONS] + [f"m_{m}" for m in MEASURES])
    dims = ", ".join(quote(f"r_{d}") for d in DIMENSIONS)
    sums = ", ".join(f"SUM({quote(f'm_{m}')})" for m in MEASURES)
    table = quote(DailyTicketStats._meta.db_table)
    target = ", ".join(quote(c) for c in (*DIMENSIONS, *MEASURES))
    statement = (
        f"INSERT INTO {table} ({target}) SELECT {dims}, {sums} FROM ({union}) AS events "  # noqa: S608
        f"GROUP BY {dims} ORDER BY {quote('r_day')}"
    )
    return statement, params


def _durations(rows: QuerySet[Any], moment: str, metric: DurationMetric, seconds: Any) -> QuerySet[Any]:
    """One row per ticket of the cohort: its day and dimensions, the metric, its duration and bucket."""
    dims = _dims(moment, "")
    value = Greatest(seconds, Value(0.0))
    return (
        rows.order_by()
        .annotate(**dims, r_metric=Value(metric.value), r_seconds=value, r_bucket=DurationBucket(seconds))
        .values(*dims, "r_metric", "r_seconds", "r_bucket")
    )


def _durations_sql(start: datetime | None) -> tuple[str, list[Any]]:
    """INSERT ... SELECT dims, metric, bucket, COUNT(*), SUM(seconds) GROUP BY dims, metric, bucket."""
    quote = connection.ops.quote_name
    created, solved = (
        Ticket.objects.filter(_since("created_at", start)),
        Ticket.objects.filter(_since("solved_at", start)),
    )
    parts = [
        _durations(created, "created_at", DurationMetric.FIRST_RESPONSE, FIRST_RESPONSE),
        _durations(solved, "solved_at", DurationMetric.RESOLUTION, RESOLUTION),
    ]
    keys = [f"r_{d}" for d in DIMENSIONS] + ["r_metric", "r_bucket"]
    union, params = _union_sql(parts, [*keys, "r_seconds"])
    group = ", ".join(quote(k) for k in keys)
    table = quote(DailyDurations._meta.db_table)
    target = ", ".join(quote(c) for c in (*DIMENSIONS, "metric", "bucket", "tickets", "seconds"))
    statement = (
        f"INSERT INTO {table} ({target}) SELECT {group}, COUNT(*), COALESCE(SUM({quote('r_seconds')}), 0) "  # noqa: S608
        f"FROM ({union}) AS tickets GROUP BY {group} ORDER BY {quote('r_day')}"
    )
    return statement, params


WEEKLY_DIMENSIONS = {
    "": None,
    "agent": "agent_id",
    "category": "category_id",
    "country": "country",
    "channel": "channel",
}


def _weekly_sql(start: datetime | None) -> tuple[str, list[Any]]:
    """INSERT ... SELECT the daily durations summed by week, team and one dimension at a time."""
    quote = connection.ops.quote_name
    rows = DailyDurations.objects.all()
    if start is not None:
        rows = rows.filter(day__gte=week_start(start.astimezone(support_zone()).date()))
    parts = []
    for dimension, column in WEEKLY_DIMENSIONS.items():
        value = Coalesce(Cast(column, CharField()), Value("")) if column else Value("")
        parts.append(
            rows.order_by()
            .annotate(r_week=TruncWeek("day", output_field=DateField()), r_dimension=Value(dimension), r_value=value)
            .values("r_week", "metric", "team_id", "r_dimension", "r_value", "bucket")
            .annotate(r_tickets=Sum("tickets"), r_seconds=Sum("seconds"))
        )
    columns = ["r_week", "metric", "team_id", "r_dimension", "r_value", "bucket", "r_tickets", "r_seconds"]
    union, params = _union_sql(parts, columns)
    table = quote(WeeklyDurations._meta.db_table)
    target = ", ".join(
        quote(c) for c in ("week", "metric", "team_id", "dimension", "value", "bucket", "tickets", "seconds")
    )
    return f"INSERT INTO {table} ({target}) {union}", params  # (see _union_sql)


def summary_refresh(
    *, full: bool | None = None, days: int = REFRESH_DAYS, now: datetime | None = None
) -> RefreshResult:
    """Recompute the last `days` days of the summary (every day when `full`, or when the last full
    rebuild is older than FULL_REBUILD_EVERY)."""
    started = time.monotonic()
    now = now or timezone.now()
    with transaction.atomic():
        state, _created = SummaryRefresh.objects.select_for_update().get_or_create(pk=1)
        if full is None:
            full = state.full_refreshed_at is None or now - state.full_refreshed_at >= FULL_REBUILD_EVERY
        first_day = None if full else support_today(now) - timedelta(days=days)
        start = None if first_day is None else day_start(first_day)
        rows = 0
        tables = ((DailyTicketStats, "day", _insert_sql), (DailyDurations, "day", _durations_sql),
                  (WeeklyDurations, "week", _weekly_sql))  # fmt: skip
        for model, day_field, build in tables:
            stale = model.objects.all()
            if first_day is not None:
                since = first_day if day_field == "day" else week_start(first_day)
                stale = stale.filter(**{f"{day_field}__gte": since})
            stale.delete()
            sql, params = build(start)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows += max(cursor.rowcount, 0)
                if connection.vendor == "postgresql":
                    # Fresh statistics for the planner: the dashboard reads a day range by index.
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        duration_ms = int((time.monotonic() - started) * 1000)
        state.refreshed_at = now
        state.first_day = first_day
        state.rows = rows
        state.duration_ms = duration_ms
        if full:
            state.full_refreshed_at = now
        state.save()
    return RefreshResult(full=full, first_day=first_day, rows=rows, duration_ms=duration_ms)


def last_refresh() -> SummaryRefresh | None:
    return SummaryRefresh.objects.filter(pk=1).first()
