"""Migration operations shared by several apps' migrations (importable on their own: no models here)."""

from __future__ import annotations

from typing import Any

from django.db import router
from django.db.migrations.operations import AddIndex, AlterField, SeparateDatabaseAndState
from django.db.migrations.operations.base import Operation


class DropRedundantIndex(Operation):
    """Drop a single-column index that no query needs: a composite or partial index serves its queries,
    or its column has too few distinct values to be worth an index (CONCURRENTLY on PostgreSQL: writes go
    on meanwhile); the reverse creates it again.

    Only the index: the AlterField(db_index=False) that makemigrations writes for a foreign key would
    also drop and re-add the foreign-key constraint on PostgreSQL, checking every row under a lock, and
    remake the whole table on SQLite, losing the indexes made in SQL by the reports app. Pair it with
    that AlterField as the state operation of a SeparateDatabaseAndState, in a migration with
    `atomic = False` (DROP INDEX CONCURRENTLY cannot run in a transaction)."""

    def __init__(self, name: str, table: str, column: str) -> None:
        self.name, self.table, self.column = name, table, column

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # the index only: the model state changes through the AlterField beside it

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            schema_editor.execute(f"DROP INDEX {_concurrently(schema_editor)}IF EXISTS {self.name}", params=None)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            schema_editor.execute(
                f"CREATE INDEX {_concurrently(schema_editor)}IF NOT EXISTS {self.name} ON {self.table} ({self.column})",
                params=None,
            )

    def describe(self) -> str:
        return f"Drop index {self.name} on {self.table} ({self.column}), which no query needs"

    @property
    def migration_name_fragment(self) -> str:
        return f"drop_{self.name.lower()}"


def drop_foreign_key_index(model_name: str, name: str, field: Any, index: str, table: str) -> SeparateDatabaseAndState:
    """A foreign key loses its own index: in the migration state, the field becomes `field` (its
    definition with db_index=False); in the database, only the index named `index` (the one Django
    made for it) is dropped, as DropRedundantIndex explains. For a migration with `atomic = False`."""
    return SeparateDatabaseAndState(
        state_operations=[AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[DropRedundantIndex(index, table, f"{name}_id")],
    )


class AddIndexConcurrently(AddIndex):
    """AddIndex, built CONCURRENTLY on PostgreSQL (writes go on meanwhile; in a migration with
    `atomic = False`), and plainly elsewhere, as the quick start's SQLite has no such option."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, **_concurrently_kwargs(schema_editor))

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, **_concurrently_kwargs(schema_editor))


def _concurrently_kwargs(schema_editor: Any) -> dict[str, bool]:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def _concurrently(schema_editor: Any) -> str:
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
