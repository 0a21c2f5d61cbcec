"""SQL the ORM lacks: percentiles computed by the database, and the seconds between two times.

PostgreSQL computes `percentile_cont` itself. SQLite (the quick start only) has no such
aggregate, so one is registered on each new SQLite connection; the figures match.
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Aggregate, FloatField, Func


class Percentile(Aggregate):
    """The continuous percentile (linear interpolation between the two nearest values), ignoring NULLs:
    `percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    output_field = FloatField()
    template = "%(function)s(%(fraction)r) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("a percentile's fraction lies between 0 and 1")
        super().__init__(expression, fraction=fraction, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # On a copy, not as keywords: Aggregate.as_sql builds its FILTER clause around self.template.
        clone = self.copy()
        clone.function = SQLITE_PERCENTILE
        clone.template = "%(function)s(%(expressions)s, %(fraction)r)"
        return super(Percentile, clone).as_sql(compiler, connection, **extra_context)


class SecondsBetween(Func):
    """Seconds from `start` to `end` as a float (NULL when either is NULL)."""

    output_field = FloatField()
    arg_joiner = " - "
    template = "DATE_PART('epoch', %(expressions)s)"

    def __init__(self, end: Any, start: Any, **extra: Any) -> None:
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"((julianday({end[0]}) - julianday({start[0]})) * 86400.0)"
        return sql, (*end[1], *start[1])


SQLITE_PERCENTILE = "reports_percentile_cont"


class SqlitePercentile:
    """percentile_cont for SQLite, as PostgreSQL defines it: sort the non-NULL values, take the value
    at position fraction * (n - 1), interpolating between its neighbours."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        values = sorted(self.values)
        position = self.fraction * (len(values) - 1)
        lower, upper = math.floor(position), math.ceil(position)
        return values[lower] + (values[upper] - values[lower]) * (position - lower)


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_PERCENTILE, 2, SqlitePercentile)
