"""Helpers to run the product's real processes (worker, web server) from a test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@contextmanager
def running(command: list[str], *, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a command in its own process group; stop the whole group afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            stop_group(process)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_group(process: subprocess.Popen[bytes], *, grace: float = 20) -> None:
    """SIGTERM to the whole group, then SIGKILL to what is left of it after the grace time: the
    command may exit while a child it started (a Celery worker in warm shutdown) lives on."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        process.poll()  # reaped, the command no longer counts as a member of its group
        if not _group_alive(process.pid):
            break
        time.sleep(0.2)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_database_url() -> str:
    """The URL of the database pytest-django created, for processes started by a test."""
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker_env(settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(
        DATABASE_URL=test_database_url(),
        PYTHONPATH=str(ROOT),
        TESTING="1",
        EMAIL_URL="smtp://127.0.0.1:1",
    )
    return env


PYTHON = sys.executable


def worker_command(queue: str, *, beat_schedule: Path | None = None) -> list[str]:
    """A Celery worker of the product on one queue (and the beat inside it, given a schedule file)."""
    beat = ["--beat"] if beat_schedule else []
    schedule = [f"--schedule={beat_schedule}"] if beat_schedule else []
    return [
        PYTHON,
        *("-m", "celery", "-A", "helpdesk", "worker", *beat, "-Q", queue, "--pool=solo", *schedule),
        *("--without-gossip", "--without-mingle", "--loglevel=INFO"),
    ]
