"""Enqueueing that never breaks a user's request: the database row is the truth, the message a hint.

Tasks are named, not imported: a service enqueues "app.tasks.x" and never imports the tasks module
that calls it back, so there is no import cycle between services and tasks."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.db import transaction

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: Any) -> None:
    """Send the task named task_name ("module.function") after the current transaction commits,
    through the task's own apply_async (which runs it at once under CELERY_TASK_ALWAYS_EAGER, as in
    tests); a name no module here defines goes to the broker as it is. If the broker is down, the
    work stays due in the database and the next periodic sweep does it."""

    def send() -> None:
        try:
            task = _registered(task_name)
            if task is not None:
                task.apply_async(args=args, retry=False)
            else:
                celery_app.send_task(task_name, args=args, retry=False)
        except Exception as error:  # broker unreachable: the sweep catches up
            logger.warning("could not enqueue %s%r: %s", task_name, args, error)

    transaction.on_commit(send)


def _registered(task_name: str) -> Any:
    """The task of that name, importing its module the first time (only workers autodiscover)."""
    if task_name not in celery_app.tasks:
        module = task_name.rpartition(".")[0]
        try:
            importlib.import_module(module)
        except ImportError:
            return None
    return celery_app.tasks.get(task_name)
