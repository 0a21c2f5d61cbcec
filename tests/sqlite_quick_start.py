"""Run a script against a fresh SQLite database (the quick start's) in a process of its own: the
suite itself runs on PostgreSQL. Shared by the apps' SQLite tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def run_on_sqlite(tmp_path: Path, script: Path, **extra_env: str) -> None:
    """Migrate a new SQLite database, run `script` on it; fail unless it ends with "all done"."""
    env = {k: v for k, v in os.environ.items() if k not in ("TESTING", "TEST_DATABASE_NAME", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'quick.sqlite3'}",
        CELERY_TASK_ALWAYS_EAGER="1",
        CACHE_URL="locmemcache://",
        PYTHONPATH=str(ROOT),
        **extra_env,
    )
    migrated = _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    result = _run([sys.executable, str(script)], env)
    assert result.returncode == 0 and "all done" in result.stdout, result.stdout + result.stderr[-4000:]
