"""Requests borrow PostgreSQL connections from a pool, and a forked process never shares its parent's."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.fixture
def pooled():
    """The pool the product runs with (the tests run without one: helpdesk/settings)."""
    options = connection.settings_dict["OPTIONS"]
    connection.close()
    options["pool"] = {"min_size": 1, "max_size": 4, "timeout": 10}
    yield options["pool"]
    connection.close()
    connection.close_pool()
    del options["pool"]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def borrowed(times: int) -> list[int]:
    """The PostgreSQL sessions behind `times` borrowings, each given back as a request's end does."""
    pids = []
    for _ in range(times):
        pids.append(backend_pid())
        connection.close()
    return pids


@pytest.mark.django_db(transaction=True)
def test_a_closed_connection_goes_back_to_the_pool_and_is_borrowed_again(pooled):
    assert connection.pool is not None

    pids = borrowed(20)

    # the pool's few sessions in turn (it holds at most max_size), not a new one each time
    assert len(set(pids)) <= pooled["max_size"] < len(pids)


@pytest.mark.django_db(transaction=True)
def test_a_forked_process_opens_its_own_connection_and_leaves_the_parents_alone(pooled):
    # A pool of a fixed size, all opened first: one that grows would open sessions of its own later,
    # which are not the child's doing.
    pooled["min_size"] = pooled["max_size"]
    borrowed(1)  # opens the pool
    connection.pool.wait(timeout=10)
    parents = set(borrowed(20))  # every session in the pool, which the child inherits
    assert len(parents) == pooled["max_size"]
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            os.write(writing, str(backend_pid()).encode())
            connection.close()
            code = 0
        finally:
            os._exit(code)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        seen_by_child = int(pipe.read() or 0)
    _, status = os.waitpid(child, 0)

    assert os.WEXITSTATUS(status) == 0
    assert seen_by_child not in (0, *parents)
    assert set(borrowed(4)) <= parents  # the parent's sessions still answer it
