"""Helpers of the fault suite: real workers with beat, a web server, a private Redis that can be
stopped and restarted with its data lost, and fixtures shared with the policies tests."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import Client

from tests.integration.conftest import (  # noqa: F401  (worker_env is a fixture)
    PYTHON,
    ROOT,
    free_port,
    running,
    test_database_url,
    wait_for,
    worker_env,
)
from tests.policies.conftest import make_ticket, rates  # noqa: F401  (fixtures)


def worker_command(queue: str, tmp_path: Path, *, name: str = "w1", beat: bool = True) -> list[str]:
    """A real Celery worker on `queue`, with its own beat when asked (schedule file in tmp_path)."""
    command = [PYTHON, "-m", "celery", "-A", "helpdesk", "worker", "-Q", queue, "-n", f"{name}-{queue}@%h"]
    command += ["--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    if beat:
        command += ["--beat", f"--schedule={tmp_path / f'beat-{name}'}"]
    return command


def fast_sweeps(seconds: int = 1) -> dict[str, str]:
    return {
        key: str(seconds)
        for key in ("SLA_SWEEP_SECONDS", "EMAIL_SWEEP_SECONDS", "APPROVALS_SWEEP_SECONDS", "FEEDBACK_SWEEP_SECONDS")
    }


def new_queue() -> str:
    return f"faults-{uuid.uuid4().hex[:10]}"


class PrivateRedis:
    """A redis-server of the test's own on a free port, keeping nothing on disk: stopping it loses
    every message, as a restarted Redis without persistence does. The machine's Redis is untouched."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([*command, "--daemonize", "no"], stdout=out, stderr=subprocess.STDOUT)
        wait_for(self.ping, timeout=10, what="the private redis-server")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)  # a crash: nothing is saved
            self.process.wait(timeout=10)
            self.process = None

    def ping(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def web_server(env: dict[str, str], log: Path, *, workers: int = 2) -> Iterator[str]:
    """gunicorn serving the product on a free loopback port; yields its base URL."""
    port = free_port()
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "helpdesk.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--timeout=60",
        "--graceful-timeout=5",
    ]
    import requests

    def up() -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code < 500
        except requests.RequestException:
            return False

    with running(command, env=env, log=log) as process:
        try:
            wait_for(up, timeout=60, what="gunicorn to answer")
        except AssertionError:
            print(log.read_text()[-3000:])
            raise
        yield f"http://127.0.0.1:{port}"
        assert process.poll() is None, "gunicorn died"


def web_env(base: dict[str, str], **extra: str) -> dict[str, str]:
    """A worker's environment made fit for gunicorn: DEBUG off, loopback host, no TOTP step for supervisors."""
    return {**base, "TWO_FACTOR_REQUIRED": "0", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", **extra}


CSRF = "a" * 32  # an unmasked CSRF secret, sent as cookie and header alike


def signed_in_session(user: Any) -> Any:
    """A requests session carrying a real Django session (stored in the database) for `user`."""
    import requests

    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", CSRF)
    session.headers["X-CSRFToken"] = CSRF
    return session


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and its children: no cleanup, no goodbye to the broker or the database."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def settle(seconds: float) -> None:
    """Let real processes run for a while (the suite's clock cannot be frozen across processes)."""
    time.sleep(seconds)
