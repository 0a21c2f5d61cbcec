from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def erasure_sweep() -> int:
    """Carry out the erasures whose grace period is over (safe to run twice)."""
    return services.erasure_sweep()


@shared_task
def retention_sweep() -> dict[str, int]:
    """Apply the retention policies, a bounded number of batches per kind; the next run continues."""
    return services.retention_apply()
