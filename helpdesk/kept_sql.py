"""Statements the ORM wrote, kept per process by everything their SQL and parameters are made of.

Building and compiling a queryset costs more CPU than PostgreSQL takes to run a page's small reads
(see helpdesk/prepared.py, which keeps reads of one shape with values put in). A statement whose
shape varies too much for that (a queue's filters, a sidebar's saved views) is kept whole instead,
under a key naming all it depends on; a new key builds it afresh. A statement whose building reads
the database (a tag looked up by name) must not be kept. The store is bounded: when full it is
emptied, and the next requests build their statements again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.formats import number_format

T = TypeVar("T")
KEPT = 2048


class KeptStatements:
    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self._kept: dict[Hashable, Any] = {}

    def get(self, key: Hashable | None, build: Callable[[], T]) -> T:
        """What build() gives, kept under key; key None: built every time."""
        if key is None:
            return build()
        kept = self._kept.get(key)
        if kept is None:
            kept = build()
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = kept
        return kept

    def clear(self) -> None:
        self._kept.clear()


Statement = tuple[str, tuple[Any, ...]] | None  # None: a query known to find nothing
Converters = tuple[tuple[int, tuple[Any, ...], Any], ...]  # (column, its converters, its expression)


def compiled(queryset: QuerySet[Any]) -> Statement:
    """The queryset's SQL and parameters as its compiler writes them; None when it can find nothing."""
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return None


def capped_counts(querysets: list[QuerySet[Any]], cap: int) -> Statement:
    """One statement counting each queryset's rows up to cap + 1: a COUNT over a LIMITed subquery
    each, so a long backlog costs no more to count than cap rows. None for no querysets."""
    parts: list[str] = []
    params: list[Any] = []
    for i, queryset in enumerate(querysets):
        limited = compiled(queryset.order_by().values("pk")[: cap + 1])
        if limited is None:
            parts.append("0")
            continue
        # the SQL is Django's own compiled query; values travel as parameters
        parts.append(f"(SELECT COUNT(*) FROM ({limited[0]}) AS capped_{i})")  # noqa: S608
        params.extend(limited[1])
    return ("SELECT " + ", ".join(parts), tuple(params)) if parts else None


def read_capped(statement: Statement, cap: int, found: list[tuple[Any, ...]] | None = None) -> list[tuple[int, bool]]:
    """What a capped_counts statement counts now (or counted: `found`, when run with others): (count up
    to cap, whether there are more) each."""
    if found is None:
        found = run(statement) if statement is not None else []
    counts = found[0] if found else ()
    return [(min(count, cap), count > cap) for count in counts]


def capped_text(count: int, capped: bool) -> str:
    """A capped count as the reader sees it, grouped in the active language: "1,000+", "1.000+"."""
    text = number_format(count, force_grouping=True)
    return f"{text}+" if capped else text


def run_together(statements: list[Statement]) -> list[list[tuple[Any, ...]]]:
    """The rows of several kept statements. On PostgreSQL they travel as one query string, in one round
    trip (Django binds values on the client, and psycopg then allows several statements at once);
    elsewhere one after the other."""
    present = [statement for statement in statements if statement is not None]
    if len(present) < 2 or connection.vendor != "postgresql":
        return [run(statement) for statement in statements]
    found = []
    with connection.cursor() as cursor:
        cursor.execute("; ".join(sql for sql, _params in present), [p for _sql, params in present for p in params])
        found.append(cursor.fetchall())
        while cursor.nextset():
            found.append(cursor.fetchall())
    results = iter(found)
    return [next(results) if statement is not None else [] for statement in statements]


def run(statement: Statement) -> list[tuple[Any, ...]]:
    """The rows a kept statement reads now (no converters: for ids and counts)."""
    if statement is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()


def capped_count(queryset: QuerySet[Any], cap: int) -> RawSQL:
    """The capped count of capped_counts() as an expression: a column PostgreSQL computes once for a
    whole read (an uncorrelated subquery), so a page and its count come in one round trip."""
    statement = capped_counts([queryset], cap)
    assert statement is not None
    return RawSQL(statement[0][len("SELECT ") :], statement[1])  # noqa: S611 - Django's compiled SQL, values as parameters


@dataclass(frozen=True)
class Read:
    """A values_list() read kept whole, with its columns' converters (run() reads without them)."""

    sql: str
    params: tuple[Any, ...]
    converters: Converters

    @property
    def statement(self) -> Statement:
        return (self.sql, self.params)


def compiled_read(queryset: QuerySet[Any]) -> Read | None:
    """The values_list() queryset's statement and converters; None when it can find nothing."""
    try:
        compiler = queryset.query.get_compiler(using=connection.alias)
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    columns = [column[0] for column in compiler.select[: compiler.col_count]]
    converters = tuple((i, tuple(c), e) for i, (c, e) in compiler.get_converters(columns).items())
    return Read(sql, tuple(params), converters)


def read_rows(read: Read | None, found: list[tuple[Any, ...]] | None = None) -> list[list[Any]]:
    """The rows a kept read gives now (or gave: `found`, when run with others), each column converted
    as the ORM converts it."""
    if read is None:
        return []
    return converted(run(read.statement) if found is None else found, read.converters, connection)


def converted(found: list[tuple[Any, ...]], converters: Converters, using: Any) -> list[list[Any]]:
    """Rows as lists, each column converted as the ORM converts it (`using`: the connection)."""
    rows = [list(row) for row in found]
    for row in rows:
        for i, column_converters, expression in converters:
            for convert in column_converters:
                row[i] = convert(row[i], expression, using)
    return rows
