"""Celery tasks: thin, idempotent, reading their truth from the database."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="reports.tasks.refresh_summary")
def refresh_summary(full: bool | None = None) -> dict[str, object]:
    """Run by beat every REPORTS_REFRESH_MINUTES; running it twice, or twice at once, is harmless."""
    result = services.summary_refresh(full=full)
    return {"full": result.full, "rows": result.rows, "duration_ms": result.duration_ms}
