"""Celery tasks: thin, idempotent, reading their truth from the database."""

from __future__ import annotations

from celery import shared_task

from .services.profiles import profiles_refresh
from .services.scorecards import scorecards_refresh_recent
from .services.segments import segment_memberships_refresh


@shared_task(name="insights.tasks.refresh_customer")
def refresh_customer(customer_id: int) -> int:
    """After a change: the customer's profile, then their segments."""
    written = profiles_refresh(customer_ids=[customer_id])
    segment_memberships_refresh(customer_ids=[customer_id])
    return written


@shared_task(name="insights.tasks.refresh_all_profiles")
def refresh_all_profiles() -> dict[str, int]:
    """Nightly: every profile (figures such as 'spend in the last 12 months' move with time alone)."""
    written = profiles_refresh()
    added = segment_memberships_refresh()
    return {"profiles": written, "members_added": added}


@shared_task(name="insights.tasks.refresh_scorecards")
def refresh_scorecards() -> int:
    return scorecards_refresh_recent()
