"""Many rows written in one statement, for sweeps that write thousands at once, and the `__any`
lookup that filters by thousands of values.

On PostgreSQL the rows go as one array literal per column (`unnest`), without building a model
instance and preparing each value in Python: for a large sweep the ORM's bulk_create spends more time
on that than the database spends writing the rows (bench/sla_sweep.py). Elsewhere (the quick start's
SQLite) the ORM's own bulk methods do the work, and `__any` is `__in`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from django.db import connection
from django.db.models import Field, ForeignObject, Model
from django.db.models.lookups import In


def insert_rows(
    model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]], *, ignore_conflicts: bool = False
) -> None:
    """INSERT many rows of `model` (values of the fields `names`, as the database takes them) in one
    statement. On PostgreSQL the rows go as one array per column, without building a model instance
    and preparing each value in Python: for the thousands of rows of a large sweep, bulk_create spends
    more time on that than the database spends inserting them (bench/sla_sweep.py). Give fields set
    on creation (auto_now_add) the current time: elsewhere the ORM sets them so."""
    if not rows:
        return
    if connection.vendor != "postgresql":  # the quick start's SQLite: the ORM, in the batches it chooses
        instances = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(instances, ignore_conflicts=ignore_conflicts)
        return
    columns, arrays = _columns(model, names)
    conflicts = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays}){conflicts}"  # noqa: S608 - names from the model
    _execute(sql, rows)


def update_rows(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE many rows of `model`, each to its own values, in one statement: `names` are the primary
    key, then the fields to set (set auto_now fields yourself); each row holds their values. On
    PostgreSQL the rows go as arrays, as in insert_rows, and join the table on the key: no IN list
    and CASE per field to build and compile in Python."""
    if not rows:
        return
    manager = model._default_manager
    if connection.vendor != "postgresql":
        manager.bulk_update([model(**dict(zip(names, row, strict=True))) for row in rows], list(names[1:]))
        return
    columns, arrays = _columns(model, names)
    table = connection.ops.quote_name(model._meta.db_table)
    changes = ", ".join(f"{column} = v.{column}" for column in columns[1:])
    sql = (
        f"UPDATE {table} SET {changes} FROM unnest({arrays}) AS v({', '.join(columns)}) "  # noqa: S608 - names from the model
        f"WHERE {table}.{columns[0]} = v.{columns[0]}"
    )
    _execute(sql, rows)


def _columns(model: type[Model], names: Sequence[str]) -> tuple[list[str], str]:
    """The quoted columns of the fields `names`, and a typed array parameter for each."""
    by_name = {name: field for field in model._meta.concrete_fields for name in (field.name, field.attname)}
    fields = [by_name[name] for name in names]
    # Arrays of the unconstrained type ("varchar", not "varchar(200)"): a value too long then fails the
    # statement, as with the ORM, instead of being cut short by the cast.
    arrays = ", ".join(f"%s::{str(field.db_type(connection)).split('(')[0]}[]" for field in fields)
    return [connection.ops.quote_name(field.column) for field in fields], arrays


def _execute(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [array_literal(column) for column in zip(*rows, strict=True)])


def array_literal(values: Iterable[Any]) -> str:
    """A PostgreSQL array's text form ('{1,"two",NULL}'), sent as one string parameter and cast to the
    column's array type. A list parameter would reach the server as ARRAY[...] with a constant per value
    to parse and plan: for the thousands of values of a large sweep, that doubles the statement's time.
    Every value but NULL is quoted, with backslashes and double quotes escaped: any text is safe."""
    values = list(values)
    if all(type(value) is int for value in values):  # ids, the commonest column: nothing to quote
        return "{" + ",".join(map(str, values)) + "}"
    texts: dict[tuple[type, Any], str] = {}  # a column often repeats a value (a kind, a time): written once
    parts = []
    for value in values:
        key = (type(value), value)  # with the type: True and 1 are equal keys
        text = texts.get(key)
        if text is None:
            text = texts[key] = _element(value)
        parts.append(text)
    return "{" + ",".join(parts) + "}"


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        text = "t" if value else "f"
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()  # aware datetimes keep their offset
    else:
        text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class AnyOf(In):
    """`field__any=[...]`: the field's value is one of many, as `__in`, but on PostgreSQL as
    `= ANY('{...}'::type[])`, one parameter however many values: a sweep's thousand ids cost neither a
    placeholder and a constant each to build and parse, nor a different statement for each count."""

    lookup_name = "any"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if connection.vendor != "postgresql":
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [self.lhs.output_field.get_db_prep_value(v, connection) for v in self.rhs if v is not None]
        array_type = str(self.lhs.output_field.db_type(connection)).split("(")[0]
        return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, array_literal(values)]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
