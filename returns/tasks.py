"""Celery tasks: thin, idempotent, reading their truth from the database."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="returns.tasks.expire_due_returns")
def expire_due_returns() -> int:
    return services.returns_expire_due()
