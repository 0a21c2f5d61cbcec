"""Overwrite, empty or delete registered records in batches: the one place erasure and retention write."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from ..registry import Holding

ERASING_FLAG = "privacy.erasing"  # lets the database accept the anonymisation of final records
RETENTION_FLAG = "privacy.retention"  # lets the database accept the deletion of old audit rows


def set_flag(name: str) -> None:
    """For the current transaction only (see the triggers changed in privacy/migrations/0002)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [name])


def batched(ids: list[Any]) -> Iterable[list[Any]]:
    size = settings.PRIVACY_BATCH_SIZE
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _delete_files(holding: Holding, rows: Any) -> None:
    for obj in rows.only("pk", *holding.files):
        for name in holding.files:
            stored = getattr(obj, name)
            if stored:
                stored.storage.delete(stored.name)


def scrub_rows(holding: Holding, ids: list[Any]) -> int:
    """Erase the rows with these ids as the holding says; the count of rows changed or deleted."""
    done = 0
    manager = holding.model._default_manager
    for batch in batched(ids):
        with transaction.atomic():
            if holding.frozen is not None:
                set_flag(ERASING_FLAG)
            rows = manager.filter(pk__in=batch)
            if holding.frozen is not None and connection.vendor != "postgresql":
                # SQLite (the quick start) keeps its stricter triggers: final rows stay as they are.
                rows = rows.exclude(holding.frozen)
            if holding.files:
                _delete_files(holding, rows)
            if holding.delete:
                done += rows.delete()[0]
                continue
            done += rows.update(**holding.scrub) if holding.scrub else rows.count()
            if holding.after is not None:
                holding.after(manager.filter(pk__in=batch))
    return done
