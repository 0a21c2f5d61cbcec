"""Keeping the stored raw bodies short-lived."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from .. import conf
from ..models import WebhookDelivery


def deliveries_purge(*, now: datetime | None = None) -> int:
    """Delete deliveries processed (or ignored) longer ago than the retention: their raw bodies hold
    the customer's name, email and phone as the aggregator sent them, which we keep no longer than
    needed to investigate. Their events stay on the shipments. Unmatched ones are kept."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=conf.retention_days())
    old = WebhookDelivery.objects.filter(
        processed_at__lt=cutoff,
        state__in=[WebhookDelivery.State.PROCESSED, WebhookDelivery.State.IGNORED, WebhookDelivery.State.FAILED],
    )
    deleted, _ = old.delete()
    return deleted
