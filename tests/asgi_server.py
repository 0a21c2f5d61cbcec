"""uvicorn serving the product's ASGI application (helpdesk.asgi) on a free port, against the test
database and the real Redis: what the live pages' and the chat widget's end-to-end tests talk to."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import requests
from django.conf import settings

from tests.integration.conftest import PYTHON, ROOT, free_port, running, wait_for
from tests.integration.conftest import test_database_url as database_url_of_the_tests


class AsgiServer:
    """uvicorn serving helpdesk.asgi on a free port, against the test database; stop and start it
    again on the same port to drop every socket. `env`: more environment variables for the server."""

    def __init__(self, log_dir: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = log_dir
        self.starts = 0
        self.stack: ExitStack | None = None
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
        self.env.update(
            DATABASE_URL=database_url_of_the_tests(),
            REDIS_URL=settings.REDIS_URL,
            PYTHONPATH=str(ROOT),
            TESTING="1",
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            TWO_FACTOR_REQUIRED="0",
            EMAIL_URL="consolemail://",
        )
        self.env.update(env or {})

    def start(self) -> None:
        self.starts += 1
        command = [PYTHON, "-m", "uvicorn", "helpdesk.asgi:application", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--ws", "websockets", "--log-level", "info"]
        self.stack = ExitStack()
        log = self.log_dir / f"uvicorn-{self.port}-{self.starts}.log"
        self.stack.enter_context(running(command, env=self.env, log=log))

        def up() -> bool:
            try:
                return requests.get(f"{self.url}/healthz", timeout=2).status_code < 500
            except requests.RequestException:
                return False

        try:
            wait_for(up, timeout=60, what="uvicorn to answer")
        except AssertionError:
            print(log.read_text()[-3000:])
            raise

    def stop(self) -> None:
        if self.stack is not None:
            self.stack.close()
            self.stack = None
