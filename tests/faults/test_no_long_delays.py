"""The broker is not a database: no Celery countdown, ETA or retry delay anywhere in the product may
outlast the broker's visibility timeout (Redis would hand the message out again, in a loop), and no
task may run longer than it. Anything due later is a row with a due time, swept by beat."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = ["helpdesk", "workspace", "tickets", "policies", "logistics", "feedback", "reports"]
DELAY_KEYWORDS = {"countdown", "eta", "default_retry_delay", "retry_backoff_max", "expires"}
CELERY_DEFAULTS = {"default_retry_delay": 180, "retry_backoff_max": 600}


def visibility_timeout() -> int:
    return int(settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])  # type: ignore[call-overload]


def product_sources() -> list[Path]:
    files = [path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    assert len(files) > 50, "the product's sources were not found"
    return files


def delay_keywords() -> list[tuple[str, int, str, ast.expr]]:
    found = []
    for path in product_sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg in DELAY_KEYWORDS:
                        found.append((str(path.relative_to(ROOT)), node.lineno, keyword.arg, keyword.value))
    return found


def test_the_visibility_timeout_is_set_and_outlasts_every_task():
    timeout = visibility_timeout()
    assert timeout >= 600
    assert timeout > settings.CELERY_TASK_TIME_LIMIT  # a longer task would be redelivered while running
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE


def test_no_countdown_eta_or_retry_delay_outlasts_the_visibility_timeout():
    timeout = visibility_timeout()
    too_long, unknown = [], []
    for where, line, name, value in delay_keywords():
        if name == "eta":  # an absolute time cannot be checked here, and is never needed
            unknown.append(f"{where}:{line} eta=")
            continue
        try:
            seconds = float(ast.literal_eval(value))
        except ValueError:
            unknown.append(f"{where}:{line} {name}={ast.unparse(value)}")
            continue
        if seconds >= timeout:
            too_long.append(f"{where}:{line} {name}={seconds:g}")
    assert not too_long, f"delays longer than the visibility timeout ({timeout}s): {too_long}"
    assert not unknown, f"delays that are not constants, so cannot be checked: {unknown}"


def test_retry_defaults_of_every_task_are_shorter_than_the_visibility_timeout():
    from helpdesk.celery import app

    app.loader.import_default_modules()
    tasks = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "tickets.tasks.send_email" in tasks and "tickets.tasks.sla_sweep" in tasks
    for name, task in tasks.items():
        if getattr(task, "autoretry_for", ()) or getattr(task, "max_retries", None):
            delay = max(task.default_retry_delay or 0, getattr(task, "retry_backoff_max", 0) or 0)
            assert delay < visibility_timeout(), name


def test_the_beat_schedule_is_all_sweeps_and_no_entry_waits_longer_than_the_visibility_timeout():
    from datetime import timedelta

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        if isinstance(schedule, timedelta):
            assert schedule.total_seconds() < visibility_timeout(), name
        options = entry.get("options", {})
        assert not set(options) & {"countdown", "eta"}, name  # type: ignore[arg-type]
