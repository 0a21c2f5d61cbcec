"""PostgreSQL connection pools across fork().

A pool (settings: `DATABASE_POOL_SIZE`) lives in one process: its connections are sockets to
PostgreSQL backends, and threads of that process fill it. A process forked after its parent opened
one (a Celery worker's children, a server forking workers) would otherwise borrow the parent's
sockets, and two processes would talk over one connection. The child forgets what it inherited and
opens its own pool on first use. What it inherited stays referenced and untouched: closing it from
the child would end the parent's sessions."""

from __future__ import annotations

import os

_inherited: list[object] = []


def forget_inherited_connections() -> None:
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    pools: dict[str, object] = DatabaseWrapper._connection_pools  # type: ignore[attr-defined]  # Django's, by alias
    _inherited.extend(pools.values())
    pools.clear()
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.connection is not None:
            _inherited.append(connection.connection)
            connection.connection = None


def install() -> None:
    os.register_at_fork(after_in_child=forget_inherited_connections)
