"""Reads: the delivery marks of a thread, the health of each account."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import ChannelAccount, DeliveryStatus, InboundEvent, MediaFetch, OutboundMessage


def outbound_for_messages(message_ids: list[int]) -> dict[int, OutboundMessage]:
    return {row.message_id: row for row in OutboundMessage.objects.filter(message_id__in=message_ids)}


def media_for_messages(message_ids: list[int]) -> dict[int, list[MediaFetch]]:
    found: dict[int, list[MediaFetch]] = {}
    for row in MediaFetch.objects.filter(message_id__in=message_ids, fetched_at__isnull=True).order_by("pk"):
        found.setdefault(row.message_id, []).append(row)
    return found


def _count(model: Any, condition: Q) -> Any:
    rows = model.objects.filter(condition, account=OuterRef("pk")).order_by().values("account").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")[:1], output_field=IntegerField()), 0)


def account_health() -> list[ChannelAccount]:
    """Every account with its last event, its last error and its failures (one query)."""
    last_event = InboundEvent.objects.filter(account=OuterRef("pk")).order_by("-received_at").values("received_at")[:1]
    return list(
        ChannelAccount.objects.annotate(
            last_event_at=Subquery(last_event),
            waiting_events=_count(InboundEvent, Q(processed_at__isnull=True)),
            failed_events=_count(InboundEvent, ~Q(error="")),
            queued_sends=_count(OutboundMessage, Q(status=DeliveryStatus.QUEUED)),
            failed_sends=_count(OutboundMessage, Q(status=DeliveryStatus.FAILED)),
            failed_media=_count(MediaFetch, Q(failed=True)),
        ).order_by("provider", "name")
    )


def last_sent_at(account_ids: list[int]) -> dict[int, Any]:
    rows = OutboundMessage.objects.filter(account_id__in=account_ids).values("account").annotate(at=Max("created_at"))
    return {row["account"]: row["at"] for row in rows}
