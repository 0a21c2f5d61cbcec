"""Enqueueing that never breaks a user's request: the database row is the truth, the message a hint.

Tasks are named, not imported: a service enqueues "app.tasks.x" and never imports the tasks module
that calls it back, so there is no import cycle between services and tasks."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: Any) -> None:
    """Send the task named task_name after the current transaction commits. A task registered in
    this process is sent through its own apply_async (which runs it at once under
    CELERY_TASK_ALWAYS_EAGER, as in tests); any other name goes to the broker as it is. If the
    broker is down, the work stays due in the database and the next periodic sweep does it."""

    def send() -> None:
        try:
            task = celery_app.tasks.get(task_name)
            if task is not None:
                task.apply_async(args=args, retry=False)
            else:
                celery_app.send_task(task_name, args=args, retry=False)
        except Exception as error:  # broker unreachable: the sweep catches up
            logger.warning("could not enqueue %s%r: %s", task_name, args, error)

    transaction.on_commit(send)
