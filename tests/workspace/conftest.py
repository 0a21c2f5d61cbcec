"""The live consumer reads the database from asgiref's worker threads, whose connections outlive
a test and would hold the test database open at the end of the run: each test here ends them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection


@pytest.fixture
def other_threads_connections_ended() -> Iterator[None]:
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
