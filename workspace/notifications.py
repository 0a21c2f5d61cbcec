"""In-app notifications: one write path, idempotent by key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import Notification


def notify(*, users: Iterable[Any], key: str, text: str, url: str = "") -> None:
    """Give each user the notice once: a second call with the same key adds nothing."""
    rows = [Notification(user=user, key=key, text=str(text)[:500], url=url) for user in users]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
