"""Each test worker of a parallel run (pytest-xdist, `make test`) gets a Redis database of its own.

Loaded with `-p tests.xdist_env` before Django's settings are read: worker gwN uses REDIS_URL's
database plus N, written back to the environment so that the servers and Celery workers the tests
start use it too. Tests flush their Redis database (a lost broker, a lost channel layer); without
this, one worker would flush another's. PostgreSQL needs nothing: pytest-django gives each worker a
test database of its own."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def worker_redis_url(url: str, worker: str) -> str:
    """`url` with its database number moved up by the worker's number (gw0: unchanged)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + int(worker.removeprefix('gw'))}"))


_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw"):
    os.environ["REDIS_URL"] = worker_redis_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), _worker)
