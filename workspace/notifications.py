"""In-app notifications: one write path, idempotent by key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .live.streams import publish_many
from .models import Notification


def notify(*, users: Iterable[Any], key: str, text: str, url: str = "") -> None:
    """Give each user the notice once: a second call with the same key adds nothing."""
    rows = [Notification(user=user, key=key, text=str(text)[:500], url=url) for user in users]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    # The bells of those told count again (a repeated key rings for nothing, which costs one count).
    publish_many((f"user:{row.user.pk}", "notice", {}) for row in rows)
