"""Reads whose SQL the ORM writes once per process, then runs with new values on every request.

Building a queryset (filters, subqueries, joins) and compiling it costs more CPU than PostgreSQL
takes to run the small reads a page makes. A `Prepared` read is built once per shape with a stand-in
for each value, compiled, and kept; each call puts the real values in the stand-ins' places and runs
the statement.

    _agents = Prepared(lambda team_id: User.objects.filter(agent_profile__team_id=team_id), team_id=int)
    _agents.objects(team_id=3)  # model instances, with what select_related() and annotate() add
    _agents.first(team_id=3)    # the first of them, or None
    _rows = Prepared(lambda team_id: Ticket.objects.filter(team_id=team_id).values_list("pk", "status"), team_id=int)
    _rows.rows(team_id=3)       # lists of column values, through the backend's converters
    _rows.dicts(team_id=3)      # for values(): each row as the queryset gives it, a dict by name
    _rows.read(team_id=3)       # the statement with its values, to run with others (kept_sql.run_together)

rows() gives the columns in the SQL's order, which for values_list() puts expressions after the fields;
values of several columns from a translated model (modeltranslation) are built with rewrite(False).

Values are ints (compared with id and integer columns, not small integer ones), strings, aware
datetimes or lists of ints, each used as a filter value, never to choose what to build (a value the
builder leaves out is simply not used, and need not be passed). The kept SQL is per database alias
and active language (translated fields order by the language's column); a caller whose queryset has
other shapes (a user who sees every ticket, one who sees their team's) passes `shape=`, any hashable,
and the builder gets it as its first argument. At most KEPT shapes are kept per read.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.utils.translation import get_language

from .kept_sql import Read, converted

_NEXT = itertools.count(1)
_NO_SHAPE = object()
KEPT = 512  # statements kept per read: when full, it is emptied and the next calls compile afresh


def _stand_in(kind: type) -> Any:
    """A value no caller passes, recognisable among the compiled parameters."""
    n = next(_NEXT)
    if kind is int:
        # Inside an integer column's range: Django turns a lookup whose value is out of the column's
        # range into no condition at all, and the stand-in would be lost.
        return 1_000_000_007 + 13 * n
    if kind is str:
        return f"\x1fprepared-{n}\x1f"
    if kind is datetime:
        return datetime(1900, 1, 1, tzinfo=UTC) + timedelta(microseconds=n)
    raise TypeError(f"a prepared value is an int, a str, a datetime or a list of ints, not {kind.__name__}")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: tuple[tuple[str, int | None] | None, ...]  # each parameter's value (name, list index), None: constant
    constants: tuple[Any, ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]  # (column, converters, expression)
    model: Any  # for objects(), None for values(): the model, its columns' span and field names,
    span: tuple[int, int]  # and what fills the joined rows (select_related) and the annotations
    names: tuple[str, ...]
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]
    columns: tuple[str, ...]  # a values() queryset's names of its columns, in the SQL's order


class Prepared:
    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: type) -> None:
        self.build = build
        self.kinds = kinds  # int, str, or list (of ints: its length is part of the shape)
        self._kept: dict[tuple[Any, ...], _Compiled] = {}

    def _compiled(self, shape: Any, using: str, values: dict[str, Any]) -> _Compiled:
        lengths = tuple(len(values[name]) for name, kind in self.kinds.items() if kind is list)
        key = (using, get_language(), shape, lengths)
        kept = self._kept.get(key)
        if kept is None:
            if len(self._kept) >= KEPT:  # shapes a caller chooses (a page size, a cursor) cannot grow it unbounded
                self._kept.clear()
            kept = self._kept[key] = self._compile(shape, using, lengths)
        return kept

    def _compile(self, shape: Any, using: str, lengths: tuple[int, ...]) -> _Compiled:
        sizes = iter(lengths)
        stand_ins = {
            name: [_stand_in(int) for _ in range(next(sizes))] if kind is list else _stand_in(kind)
            for name, kind in self.kinds.items()
        }
        where: dict[Any, tuple[str, int | None]] = {}
        for name, value in stand_ins.items():
            for index, one in enumerate(value) if isinstance(value, list) else [(None, value)]:
                where[one] = (name, index)
        queryset = self.build(*(() if shape is _NO_SHAPE else (shape,)), **stand_ins)
        query = queryset.query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        values = getattr(queryset, "_fields", None) is not None
        if values and getattr(queryset, "_rewrite", False) and len(compiler.select) > 1:
            # modeltranslation's values() select their columns in no fixed order and put them back in
            # order as they are read; rows() reads the SQL's order
            raise ValueError("values() of a translated model are read in order only when built with rewrite(False)")
        slots = tuple(where.get(p) if isinstance(p, int | str | datetime) else None for p in params)
        if any(str(one) in sql for one in where):
            raise ValueError("a prepared value was written into the SQL, not passed as a parameter")
        columns = [s[0] for s in compiler.select[: compiler.col_count]]
        converters = tuple(
            (i, tuple(convs), expression) for i, (convs, expression) in compiler.get_converters(columns).items()
        )
        constants = tuple(None if slot else p for slot, p in zip(slots, params, strict=True))
        # values() reads no model, even where an expression among its columns gives the compiler a klass_info
        klass_info = compiler.klass_info if queryset.query.default_cols else None
        select = compiler.select
        span = (klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1) if klass_info else (0, 0)
        return _Compiled(
            sql=sql,
            slots=slots,
            constants=constants,
            converters=converters,
            model=klass_info["model"] if klass_info else None,
            span=span,
            names=tuple(column[0].target.attname for column in select[span[0] : span[1]]),
            populators=tuple(get_related_populators(klass_info, select, using)) if klass_info else (),
            annotations=tuple((compiler.annotation_col_map or {}).items()),
            columns=(*query.extra_select, *query.values_select, *query.annotation_select) if values else (),
        )

    def rows(self, *, shape: Any = _NO_SHAPE, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[list[Any]]:
        """The rows, each a list of column values."""
        return self._run(self._compiled(shape, using, values), using, values)

    def dicts(self, *, shape: Any = _NO_SHAPE, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[dict[str, Any]]:
        """The rows of a values() queryset, each a dict of its columns by name, as the queryset gives them."""
        kept = self._compiled(shape, using, values)
        if not kept.columns:
            raise ValueError("dicts() reads a values() queryset")
        return [dict(zip(kept.columns, row, strict=True)) for row in self._run(kept, using, values)]

    def read(self, *, shape: Any = _NO_SHAPE, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Read:
        """The statement with these values in place, and its converters: to run with other statements
        in one round trip (kept_sql.run_together, then kept_sql.read_rows)."""
        kept = self._compiled(shape, using, values)
        return Read(kept.sql, tuple(self._params(kept, values)), kept.converters)

    @staticmethod
    def _params(kept: _Compiled, values: dict[str, Any]) -> list[Any]:
        return [
            constant if slot is None else values[slot[0]] if slot[1] is None else values[slot[0]][slot[1]]
            for slot, constant in zip(kept.slots, kept.constants, strict=True)
        ]

    def _run(self, kept: _Compiled, using: str, values: dict[str, Any]) -> list[list[Any]]:
        params = self._params(kept, values)
        connection = connections[using]
        planned = getattr(connection, "planned_cursor", None)  # PostgreSQL: the statement kept planned
        with planned() if planned is not None else connection.cursor() as cursor:
            cursor.execute(kept.sql, params)
            found = cursor.fetchall()
        return converted(found, kept.converters, connection)

    def objects(self, *, shape: Any = _NO_SHAPE, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        """Model instances with what select_related() and annotate() gave them, as the queryset would."""
        kept = self._compiled(shape, using, values)
        if kept.model is None:
            raise ValueError("objects() reads a queryset of model instances, not values()")
        (start, end), names = kept.span, list(kept.names)
        found = []
        for row in self._run(kept, using, values):
            obj = kept.model.from_db(using, names, row[start:end])
            for populator in kept.populators:
                populator.populate(row, obj)
            for name, position in kept.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def first(self, *, shape: Any = _NO_SHAPE, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Any:
        """The first instance objects() gives, or None (the queryset should be sliced [:1])."""
        found = self.objects(shape=shape, using=using, **values)
        return found[0] if found else None
