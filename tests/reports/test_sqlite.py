"""The reports' refresh and duration figures on the quick start's SQLite (the suite runs on PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("sqlite_reports.py")


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.integration
def test_the_summary_and_durations_work_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TESTING", "TEST_DATABASE_NAME", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'quick.sqlite3'}",
        CELERY_TASK_ALWAYS_EAGER="1",
        CACHE_URL="locmemcache://",
        PYTHONPATH=str(ROOT),
    )
    migrated = _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    result = _run([sys.executable, str(SCRIPT)], env)
    assert result.returncode == 0 and "all done" in result.stdout, result.stdout + result.stderr[-4000:]
