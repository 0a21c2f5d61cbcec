"""Django's database sessions, read with one prepared statement.

The ORM compiled the same lookup on every request, which cost more than running it. Everything
else (creation, saving, expiry, deletion at logout) is Django's own.

Sessions signed in before HelpdeskBackend replaced Django's ModelBackend name ModelBackend, and
those signed in before the backend moved to the tickets app name its old path; neither is in
AUTHENTICATION_BACKENDS any more, so Django would treat them as signed out. They are read as the
current backend's, which checks the same accounts the same way, so staff stay signed in across
the upgrades."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

LEGACY_BACKENDS = ("django.contrib.auth.backends.ModelBackend", "helpdesk.auth_backend.HelpdeskBackend")
CURRENT_BACKEND = "tickets.auth_backend.HelpdeskBackend"


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        if not self.session_key:
            return {}
        alias = router.db_for_read(Session)
        with connections[alias].cursor() as cursor:
            cursor.execute(_load_sql(alias), [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:  # unknown or expired: the next save starts a new session
            self._session_key = None
            return {}
        data = self.decode(row[0])
        if data.get(BACKEND_SESSION_KEY) in LEGACY_BACKENDS:
            data[BACKEND_SESSION_KEY] = CURRENT_BACKEND
        return data


@lru_cache(maxsize=4)
def _load_sql(alias: str) -> str:
    q = connections[alias].ops.quote_name
    table = q(Session._meta.db_table)
    key, data, expiry = (q(column) for column in ("session_key", "session_data", "expire_date"))
    return f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s"  # noqa: S608 - names from the model
