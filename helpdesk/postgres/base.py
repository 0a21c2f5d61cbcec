"""Django's PostgreSQL backend, with `timestamptz` values read by psycopg's own loader, and cursors
whose statements PostgreSQL keeps planned for the reads helpdesk/prepared.py runs.

Django reads each `timestamptz` through a Python subclass of psycopg's Python loader, so that every
value carries the database's time zone. Where that zone is UTC (USE_TZ, no TIME_ZONE of the
database's own), the connection's session runs in UTC and psycopg's loader (compiled, in
psycopg-binary) already gives datetimes in `datetime.timezone.utc`: the same values, at a fifth of
the CPU, and a page reads hundreds of them. Anywhere else Django's loader stays."""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

import psycopg
from django.db.backends.postgresql import base, operations
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.utils.asyncio import async_unsafe
from psycopg import adapters
from psycopg.adapt import AdaptersMap, Loader
from psycopg.pq import Format

TIMESTAMPTZ_OID = 1184


class UtcTimestamptzLoader(Loader):
    """psycopg's own text loader for timestamptz; `timezone` is what Django checks each cursor for."""

    timezone = datetime.UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        psycopgs = adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        assert psycopgs is not None  # psycopg registers one for every built-in type
        self._load = psycopgs(oid, context).load

    def load(self, data: Any) -> Any:
        return self._load(data)


@lru_cache
def _with_utc_loader(template: AdaptersMap) -> AdaptersMap:
    context = AdaptersMap(template)
    context.register_loader("timestamptz", UtcTimestamptzLoader)
    return context


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str:
        """The statement with its values, as logged and as the EXPLAIN guards read it: a planned
        cursor's own text holds placeholders ($1), so it is written with its values here."""
        if isinstance(cursor, psycopg.ClientCursor):
            return super().last_executed_query(cursor, sql, params)
        try:
            return str(self.compose_sql(sql, params))
        except psycopg.errors.DataError:  # a value the client cannot write: the statement as sent
            return sql


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if "context" in params and self.timezone is datetime.UTC:
            params["context"] = _with_utc_loader(params["context"])
        return params

    @async_unsafe
    def planned_cursor(self) -> CursorWrapper:
        """A cursor binding its values on the server, wrapped as Django wraps its own (queries logged
        and wrapped alike). psycopg prepares a statement on the connection once it has run a few times
        there; PostgreSQL then keeps its plan, where Django's client-side binding had it planned anew
        on every run, which took longer than running a page's small reads. For statements whose text
        repeats: the kept SQL of helpdesk/prepared.py. The connection lives on in the pool, and with
        it what it prepared (psycopg keeps at most `prepared_max` statements a connection)."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = psycopg.Cursor(self.connection)
            tzloader = self.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
            if self.timezone != getattr(tzloader, "timezone", None):
                register_tzloader(self.timezone, cursor)
            self.validate_thread_sharing()
            return (CursorDebugWrapper if self.queries_logged else CursorWrapper)(cursor, self)  # as Django's own
