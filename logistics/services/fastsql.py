"""The three statements of the processing hot path, written as plain SQL because Django's query
compiler costs more than the database here (measured by bench/webhooks.py: about 2 ms of Python per
delivery). Values still go through each model field's get_db_prep_save, so types are converted
exactly as the ORM would, and every statement is parameterised."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import F, Field, Model

from ..models import TrackingEvent, WebhookDelivery

_EVENT_FIELDS = (
    "shipment_id",
    "occurred_at",
    "utc_offset_minutes",
    "status",
    "sub_status",
    "raw_status",
    "raw_sub_status",
    "description",
    "location",
    "source",
    "fingerprint",
    "delivery_id",
    "created_at",
)


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    """A concrete field by name or attname ("shipment" or "shipment_id")."""
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    raise LookupError(f"{model.__name__} has no column {name}")


def _prep(model: type[Model], name: str, value: Any) -> Any:
    if value is None or isinstance(value, str | int):  # passed to the driver as they are
        return value
    return _field(model, name).get_db_prep_save(value, connection)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def insert_events(rows: Sequence[dict[str, Any]]) -> None:
    """INSERT the events, skipping those the shipment already has (same fingerprint)."""
    if not rows:
        return
    columns = [str(_field(TrackingEvent, name).column) for name in _EVENT_FIELDS]
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params = [_prep(TrackingEvent, name, row[name]) for row in rows for name in _EVENT_FIELDS]
    sql = (
        f"INSERT INTO {_quoted(TrackingEvent._meta.db_table)} ({', '.join(map(_quoted, columns))}) "  # noqa: S608
        f"VALUES {', '.join([one] * len(rows))} ON CONFLICT (shipment_id, fingerprint) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def update_fields(instance: Model, names: Iterable[str]) -> None:
    """UPDATE the named fields of one row from the instance's values."""
    model = type(instance)
    fields = [_field(model, name) for name in sorted(set(names))]
    assignments = ", ".join(f"{_quoted(str(field.column))} = %s" for field in fields)
    params = [_prep(model, field.attname, getattr(instance, field.attname)) for field in fields]
    sql = f"UPDATE {_quoted(model._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])


def finish_deliveries(outcomes: dict[int, tuple[str, int | None]], processed_at: Any) -> None:
    """Set each delivery's state and shipment in one statement (a VALUES list joined on id)."""
    if not outcomes:
        return
    if connection.vendor != "postgresql":  # the quick start's SQLite: row by row is fast enough
        for pk, (state, shipment_id) in outcomes.items():
            WebhookDelivery.objects.filter(pk=pk).update(
                state=state, shipment_id=shipment_id, processed_at=processed_at, error="", attempts=F("attempts") + 1
            )
        return
    rows = ", ".join(["(%s, %s, %s)"] * len(outcomes))
    params: list[Any] = [x for pk, (state, shipment_id) in outcomes.items() for x in (pk, state, shipment_id)]
    sql = (
        f"UPDATE {_quoted(WebhookDelivery._meta.db_table)} AS d SET state = v.state, "  # noqa: S608
        "shipment_id = CAST(v.shipment_id AS BIGINT), processed_at = %s, error = '', attempts = d.attempts + 1 "
        f"FROM (VALUES {rows}) AS v(id, state, shipment_id) WHERE d.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_prep(WebhookDelivery, "processed_at", processed_at), *params])
