"""Durations kept as histograms, so that medians and 90th percentiles add up over days like counts.

A duration of `s` seconds falls in bucket floor(ln(1 + s) * SCALE): buckets are 1 % wide, from a
second to years. Each bucket keeps how many tickets fell in it and the sum of their seconds, so a
bucket stands for the mean of its own values. A percentile is then PostgreSQL's `percentile_cont`
(the value at position fraction * (n - 1), interpolated) taken over those means: exact when each
bucket holds one distinct value (a duration met once, or many tickets answered in the same
second), and otherwise within the bucket, so within 1 % of the exact figure. Counts are exact.

Tickets without a duration yet (not answered, not solved) are counted in bucket NO_VALUE.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Func, IntegerField
from django.db.models.functions import Coalesce

from .expressions import SecondsBetween

# What is measured, per ticket: from the customer's first message (or the ticket's creation) to the
# first public reply, for tickets by the day they were created; from creation to solve (wall time,
# pending included), for tickets by the day they were solved.
FIRST_RESPONSE = SecondsBetween("first_response_at", Coalesce("first_customer_message_at", "created_at"))
RESOLUTION = SecondsBetween("solved_at", "created_at")

SCALE = 100
NO_VALUE = -1


def bucket_of(seconds: float | None) -> int:
    """The bucket of a duration (the same as the database computes, see DurationBucket)."""
    if seconds is None:
        return NO_VALUE
    return math.floor(math.log1p(max(float(seconds), 0.0)) * SCALE)


class DurationBucket(Func):
    """The bucket of a duration in seconds, NO_VALUE when there is none, computed by the database."""

    output_field = IntegerField()

    def __init__(self, seconds: Any, **extra: Any) -> None:
        super().__init__(seconds, **extra)

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra_context: Any) -> Any:
        seconds, params = compiler.compile(self.get_source_expressions()[0])
        # (GREATEST ignores a NULL, so the missing duration is told apart first.)
        bucket = f"CAST(FLOOR(LN(1 + GREATEST({seconds}, 0)) * {SCALE}) AS INTEGER)"
        return f"CASE WHEN {seconds} IS NULL THEN {NO_VALUE} ELSE {bucket} END", (*params, *params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        seconds, params = compiler.compile(self.get_source_expressions()[0])
        return f"{SQLITE_BUCKET}({seconds})", params


SQLITE_BUCKET = "reports_duration_bucket"


def register_sqlite_bucket(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_BUCKET, 1, bucket_of, deterministic=True)


@dataclass(frozen=True)
class DurationStats:
    count: int = 0  # tickets in the cohort
    measured: int = 0  # of which with a duration (answered, for first response)
    median: float | None = None  # seconds
    p90: float | None = None


class Histogram:
    """Tickets and their seconds per bucket; merged by adding."""

    __slots__ = ("buckets",)

    def __init__(self) -> None:
        self.buckets: dict[int, list[float]] = {}

    def add(self, bucket: int, tickets: int, seconds: float) -> None:
        entry = self.buckets.setdefault(bucket, [0, 0.0])
        entry[0] += tickets
        entry[1] += seconds

    def stats(self) -> DurationStats:
        count = int(sum(entry[0] for entry in self.buckets.values()))
        measured = [(b, int(t), s) for b, (t, s) in sorted(self.buckets.items()) if b != NO_VALUE and t]
        total = sum(t for _b, t, _s in measured)
        return DurationStats(count, total, percentile(measured, total, 0.5), percentile(measured, total, 0.9))


def percentile(buckets: Iterable[tuple[int, int, float]], total: int, fraction: float) -> float | None:
    """percentile_cont over the buckets in order, each bucket's tickets standing at its mean."""
    if total == 0:
        return None
    position = fraction * (total - 1)
    lower, upper = math.floor(position), math.ceil(position)
    found: dict[int, float] = {}
    seen = 0
    for _bucket, tickets, seconds in buckets:
        mean = seconds / tickets
        for rank in (lower, upper):
            if seen <= rank < seen + tickets:
                found[rank] = mean
        seen += tickets
        if upper in found:
            break
    return found[lower] + (found[upper] - found[lower]) * (position - lower)
