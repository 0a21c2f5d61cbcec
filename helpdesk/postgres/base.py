"""Django's PostgreSQL backend, with `timestamptz` values read by psycopg's own loader.

Django reads each `timestamptz` through a Python subclass of psycopg's Python loader, so that every
value carries the database's time zone. Where that zone is UTC (USE_TZ, no TIME_ZONE of the
database's own), the connection's session runs in UTC and psycopg's loader (compiled, in
psycopg-binary) already gives datetimes in `datetime.timezone.utc`: the same values, at a fifth of
the CPU, and a page reads hundreds of them. Anywhere else Django's loader stays."""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from django.db.backends.postgresql import base
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


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if "context" in params and self.timezone is datetime.UTC:
            params["context"] = _with_utc_loader(params["context"])
        return params
