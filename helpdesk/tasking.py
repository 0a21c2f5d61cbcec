"""Enqueueing that never breaks a user's request: the database row is the truth, the message a hint."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any) -> None:
    """Send the task after the current transaction commits. If the broker is down, the work
    stays due in the database and the next periodic sweep does it."""

    def send() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception as error:  # broker unreachable: the sweep catches up
            logger.warning("could not enqueue %s%r: %s", task.name, args, error)

    transaction.on_commit(send)
