"""First-response and resolution times read from the daily and weekly histograms: the same figures as
PostgreSQL's percentile_cont over the tickets, within the 1 % a bucket allows, whichever rows a
period reads."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import FloatField, Value
from django.test.utils import CaptureQueriesContext

from reports.access import Access, ReportFilters
from reports.histograms import NO_VALUE, DurationBucket, Histogram, bucket_of
from reports.models import DailyDurations, WeeklyDurations
from reports.periods import Period, week_start
from reports.selectors.durations import first_response_figures, resolution_figures
from reports.services import summary_refresh
from tests.factories import make_staff
from tickets.models import Ticket

from .conftest import at, make_ticket

pytestmark = pytest.mark.django_db


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's definition, by hand."""
    if not values:
        return None
    values = sorted(values)
    position = fraction * (len(values) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


def histogram_of(values: list[float | None]) -> Histogram:
    histogram = Histogram()
    for value in values:
        histogram.add(bucket_of(value), 1, max(value or 0.0, 0.0))
    return histogram


def test_percentiles_from_buckets_are_within_one_percent_of_the_exact_ones():
    rng = random.Random(7)
    for _ in range(50):
        values = [rng.lognormvariate(6, 1.5) for _ in range(rng.randint(1, 400))]
        stats = histogram_of([*values, None, None]).stats()
        assert (stats.count, stats.measured) == (len(values) + 2, len(values))
        assert stats.median == pytest.approx(percentile_cont(values, 0.5), rel=0.01)
        assert stats.p90 == pytest.approx(percentile_cont(values, 0.9), rel=0.01)


def test_a_bucket_holding_one_distinct_value_gives_it_exactly():
    stats = histogram_of([120.0, 240.0, 240.0, 600.0]).stats()
    assert (stats.median, stats.p90) == (240.0, percentile_cont([120.0, 240.0, 240.0, 600.0], 0.9))
    assert histogram_of([None]).stats().median is None


def test_the_database_buckets_a_duration_as_python_does(db):
    values = [None, -5.0, 0.0, 0.4, 1.0, 59.9, 60.0, 61.5, 3600.0, 86_399.0, 31_536_000.0]
    with connection.cursor() as cursor:
        for value in values:
            expression = DurationBucket(Value(value, output_field=FloatField()))
            sql, params = expression.as_sql(_Compiler(connection), connection)
            cursor.execute(f"SELECT {sql}", params)
            assert cursor.fetchone()[0] == bucket_of(value), value
    assert bucket_of(None) == NO_VALUE and bucket_of(-5.0) == 0


class _Compiler:
    """Enough of a SQL compiler to compile a Value."""

    def __init__(self, conn):
        self.connection = conn

    def compile(self, node):
        return node.as_sql(self, self.connection)


def _filters(user, first: date, last: date, **values) -> ReportFilters:
    period = Period(first=first, last=last)
    return ReportFilters(access=Access(user_id=user.pk, all_teams=True), period=period, step=period.default_step(),
                         **values)  # fmt: skip


@pytest.fixture
def months_of_tickets(clock, actors, teams, categories):
    """Tickets from 2025-12-01 to 2026-03-19, with first responses of 30 s to 2 h and solves of an
    hour to four days, over two teams, three agents and two categories."""
    rng = random.Random(11)
    agents = [actors.l1, actors.l2, make_staff(team=teams.america, username="us-agent")]
    made = []
    for i in range(240):
        agent = agents[i % 3]
        created = at(12, 1, year=2025) + timedelta(hours=rng.randint(0, 108 * 24))
        answered = rng.random() < 0.9
        made.append(
            make_ticket(
                created=created,
                team=teams.america if agent.username == "us-agent" else teams.europe,
                category=categories.product if i % 2 else categories.logistics,
                country=["DE", "FR", "US"][i % 3],
                assignee=agent,
                first_response=timedelta(seconds=rng.uniform(30, 7200)) if answered else None,
                solved=timedelta(seconds=rng.uniform(3600, 4 * 86400)) if answered and i % 4 else None,
                status="solved" if answered and i % 4 else "open",
            )
        )
    summary_refresh(full=True)
    return made


def _exact(tickets, first: date, last: date, *, resolution: bool = False, keep=lambda t: True):
    zone_day = lambda moment: moment.astimezone(Period(first, last).start.tzinfo).date()  # noqa: E731
    chosen = [t for t in tickets if keep(t)]
    if resolution:
        cohort = [t for t in chosen if t.solved_at and first <= zone_day(t.solved_at) <= last]
        return [(t.solved_at - t.created_at).total_seconds() for t in cohort], len(cohort)
    cohort = [t for t in chosen if first <= zone_day(t.created_at) <= last]
    answered = [(t.first_response_at - t.created_at).total_seconds() for t in cohort if t.first_response_at]
    return answered, len(cohort)


@pytest.mark.parametrize("by", ["category", "agent", "country", "team"])
def test_a_long_period_reads_whole_weeks_from_the_weekly_rows_and_gives_the_exact_figures(
    months_of_tickets, actors, by
):
    first, last = date(2025, 12, 4), date(2026, 3, 19)  # a Thursday to a Thursday: partial weeks at both ends
    filters = _filters(actors.admin, first, last)
    assert filters.step == "week" and WeeklyDurations.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        figures = first_response_figures(filters, by)
    assert "reports_weeklydurations" in queries[0]["sql"] and "reports_dailydurations" in queries[0]["sql"]

    values, count = _exact(months_of_tickets, first, last)
    assert (figures.total.count, figures.total.measured) == (count, len(values))
    assert figures.total.median == pytest.approx(percentile_cont(values, 0.5), rel=0.01)
    assert figures.total.p90 == pytest.approx(percentile_cont(values, 0.9), rel=0.01)
    assert sum(stats.count for stats in figures.by_day.values()) == count
    assert all(day.weekday() == 0 for day in figures.by_day)
    assert sum(stats.count for stats in figures.by_group.values()) == count
    for group, stats in figures.by_group.items():
        keep = {
            "category": lambda t, g=group: t.category_id == g,
            "agent": lambda t, g=group: t.assignee_id == g,
            "country": lambda t, g=group: t.customer.country == g,
            "team": lambda t, g=group: t.team_id == g,
        }[by]
        group_values, group_count = _exact(months_of_tickets, first, last, keep=keep)
        assert stats.count == group_count
        assert stats.median == pytest.approx(percentile_cont(group_values, 0.5), rel=0.01)


def test_a_filter_beyond_the_team_reads_the_daily_rows(months_of_tickets, actors, teams):
    first, last = date(2025, 12, 4), date(2026, 3, 19)
    filters = _filters(actors.admin, first, last, team_id=teams.europe.pk, country="FR")
    with CaptureQueriesContext(connection) as queries:
        figures = resolution_figures(filters, "agent")
    assert "reports_weeklydurations" not in queries[0]["sql"]
    keep = lambda t: t.team_id == teams.europe.pk and t.customer.country == "FR"  # noqa: E731
    values, count = _exact(months_of_tickets, first, last, resolution=True, keep=keep)
    assert figures.total.count == count and count > 0
    assert figures.total.median == pytest.approx(percentile_cont(values, 0.5), rel=0.01)


def test_a_team_filter_by_week_matches_the_same_period_read_day_by_day(months_of_tickets, actors, teams):
    first, last = date(2025, 12, 1), date(2026, 3, 15)  # whole weeks only
    weekly = first_response_figures(_filters(actors.admin, first, last, team_id=teams.europe.pk), "category")
    daily = first_response_figures(
        _filters(actors.admin, first, last, team_id=teams.europe.pk, channel="web"), "category"
    )  # every ticket here came by the web: the same tickets, read from the daily rows
    assert weekly.total == daily.total
    assert weekly.by_group == daily.by_group
    assert weekly.by_day == daily.by_day


def test_a_recent_refresh_rewrites_the_days_and_weeks_it_touches(months_of_tickets):
    recent = max(months_of_tickets, key=lambda t: t.created_at)
    day = recent.created_at.astimezone(Period(date.today(), date.today()).start.tzinfo).date()
    three_days = bucket_of(3 * 86400)
    Ticket.objects.filter(pk=recent.pk).update(first_response_at=recent.created_at + timedelta(days=3))
    older = DailyDurations.objects.filter(day__lt=date(2026, 2, 1)).count()

    summary_refresh(full=False)

    assert DailyDurations.objects.filter(day__lt=date(2026, 2, 1)).count() == older  # older days kept as they were
    assert DailyDurations.objects.filter(metric="first_response", day=day, bucket=three_days).exists()
    assert WeeklyDurations.objects.filter(
        metric="first_response", week=week_start(day), dimension="", team_id=recent.team_id, bucket=three_days
    ).exists()
