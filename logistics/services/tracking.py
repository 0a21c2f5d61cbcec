"""Applying a tracking update to a shipment: add the events, move the status to what the latest
event says (latest by event time, not by arrival), then look for exceptions.

A shipment's status changes only here (shipment_set_status), and every change is recorded.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from tickets.models import Order

from ..choices import (
    CUSTOMS_ISSUE_SUBS,
    CUSTOMS_START_SUBS,
    CUSTOMS_SUBS,
    STATUS_RANK,
    ShipmentStatus,
    Source,
    SubStatus,
)
from ..formats import ParsedEvent, ParsedUpdate
from ..models import Shipment, ShipmentStatusChange, TrackingEvent, WebhookDelivery
from .carriers import carrier_for_update, service_type_for
from .detection import exceptions_evaluate
from .fastsql import insert_events, update_fields

logger = logging.getLogger(__name__)

# A summary status is worth an event of its own when it says something the scans do not.
_NOTABLE_SUBS = CUSTOMS_ISSUE_SUBS | {
    SubStatus.RETURNING,
    SubStatus.RETURNED,
    SubStatus.LOST,
    SubStatus.DAMAGED,
    SubStatus.DESTROYED,
}
_NOT_SHIPPED = (None, ShipmentStatus.PENDING, ShipmentStatus.INFO_RECEIVED)


def _event_key(event: ParsedEvent) -> tuple[datetime, int, str]:
    return event.occurred_at, STATUS_RANK.get(event.status or "", -1), event.fingerprint


def _summary_event(update: ParsedUpdate) -> ParsedEvent | None:
    """The sender's own verdict as one more event, a second after the body's newest scan, when it
    tells something the scans do not (e.g. AfterShip marking a parcel Expired or Lost)."""
    status = update.status
    if status is None or status == ShipmentStatus.PENDING or not update.events:
        return None
    known = [e for e in update.events if e.status]
    latest = max(known, key=_event_key) if known else None
    if (
        latest is not None
        and latest.status == status
        and (latest.sub_status == update.sub_status or update.sub_status not in _NOTABLE_SUBS)
    ):
        return None
    newest = max(e.occurred_at for e in update.events)
    return replace(
        update.events[0],
        occurred_at=newest + timedelta(seconds=1),
        utc_offset_minutes=None,
        status=status,
        sub_status=update.sub_status,
        raw_status="summary",
        raw_sub_status=status + ("/" + update.sub_status if update.sub_status else ""),
        description="",
        location="",
    )


def shipment_apply_update(
    *, shipment: Shipment, update: ParsedUpdate, delivery: WebhookDelivery | None, now: datetime
) -> None:
    """Apply a tracking update to a shipment whose row the caller has locked."""
    fields: set[str] = set()
    events = list(update.events)
    summary = _summary_event(update)
    if summary is not None:
        events.append(summary)
    newest = max((e.occurred_at for e in events), default=None)
    is_current = newest is None or shipment.last_event_at is None or newest >= shipment.last_event_at

    if shipment.carrier_id is None and update.carrier_code:
        carrier = carrier_for_update(update)
        if carrier is not None:
            shipment.carrier = carrier
            fields.add("carrier")
    if not shipment.destination_country and update.destination_country:
        shipment.destination_country = update.destination_country
        fields.add("destination_country")
    if not shipment.service_type:
        service = service_type_for(update.service_name, shipment.carrier if shipment.carrier_id else None)
        if service:
            shipment.service_type = service
            fields.add("service_type")
    if update.expected_delivery and is_current and update.expected_delivery != shipment.expected_delivery:
        shipment.expected_delivery = update.expected_delivery
        fields.add("expected_delivery")
    if update.stopped and shipment.tracking_stopped_at is None:
        shipment.tracking_stopped_at = now
        fields.add("tracking_stopped_at")
        if shipment.status != ShipmentStatus.DELIVERED:
            events.append(_stopped_event(update, now))
    elif (
        shipment.tracking_stopped_at is not None
        and newest is not None
        and shipment.last_event_at is not None
        and newest > shipment.last_event_at
    ):
        shipment.tracking_stopped_at = None  # news after all: the parcel moved on
        fields.add("tracking_stopped_at")
    scanned = [e.occurred_at for e in events if e.status not in _NOT_SHIPPED]
    if update.shipped_at:
        scanned.append(update.shipped_at)
    if scanned and (shipment.shipped_at is None or min(scanned) < shipment.shipped_at):
        shipment.shipped_at = min(scanned)
        fields.add("shipped_at")

    if events:
        insert_events([_event_row(shipment, event, delivery, now) for event in events])
        if newest is not None and (shipment.last_event_at is None or newest > shipment.last_event_at):
            shipment.last_event_at = newest
            fields.add("last_event_at")
        in_customs = shipment.customs_started_at is not None and shipment.customs_released_at is None
        if in_customs or any(e.sub_status in CUSTOMS_SUBS or e.status == ShipmentStatus.CUSTOMS for e in events):
            fields |= _recompute_customs(shipment)
        known = [e for e in events if e.status]
        if known:
            best = max(known, key=_event_key)
            if _is_newer(best, shipment):
                fields |= shipment_set_status(
                    shipment=shipment,
                    status=str(best.status),
                    sub_status=best.sub_status,
                    event_at=best.occurred_at,
                    event_key=best.fingerprint,
                    source=update.sender,
                    now=now,
                )
                code = update.raw_sub_status if best is summary else best.raw_sub_status
                reported = f"{best.source}:{code}"[:80] if code else ""
                if shipment.reported_code != reported:
                    shipment.reported_code = reported
                    fields.add("reported_code")
    elif update.status and shipment.status_event_at is None and update.status != shipment.status:
        # No scan yet, only the sender's summary (e.g. InfoReceived): take it until a scan comes.
        fields |= shipment_set_status(
            shipment=shipment, status=update.status, sub_status=update.sub_status, source=update.sender, now=now
        )
        shipment.reported_code = f"{update.sender}:{update.raw_sub_status}"[:80] if update.raw_sub_status else ""
        fields.add("reported_code")
    if fields:
        shipment.updated_at = now
        update_fields(shipment, [*fields, "updated_at"])
    if "status" in fields and shipment.status == ShipmentStatus.DELIVERED:
        _mark_order_delivered(shipment)
    exceptions_evaluate(shipment=shipment, now=now)


STOPPED_RAW_STATUS = "TRACKING_STOPPED"


def _stopped_event(update: ParsedUpdate, now: datetime) -> ParsedEvent:
    """The sender stopped tracking a parcel not yet delivered: an entry of its own on the timeline
    (no status: it says nothing of where the parcel is)."""
    return ParsedEvent(
        occurred_at=now,
        utc_offset_minutes=None,
        status=None,
        sub_status="",
        raw_status=STOPPED_RAW_STATUS,
        raw_sub_status="",
        description="",
        location="",
        source=update.sender,
    )


def _is_newer(event: ParsedEvent, shipment: Shipment) -> bool:
    if shipment.status_event_at is None:
        return True
    current = (shipment.status_event_at, STATUS_RANK.get(shipment.status, -1), shipment.status_event_key)
    return _event_key(event) > current


def _event_row(
    shipment: Shipment, event: ParsedEvent, delivery: WebhookDelivery | None, now: datetime
) -> dict[str, Any]:
    return {
        "shipment_id": shipment.pk,
        "occurred_at": event.occurred_at,
        "utc_offset_minutes": event.utc_offset_minutes,
        "status": event.status or "",
        "sub_status": event.sub_status,
        "raw_status": event.raw_status[:60],
        "raw_sub_status": event.raw_sub_status[:60],
        "description": event.description,
        "location": event.location,
        "source": event.source,
        "fingerprint": event.fingerprint,
        "delivery_id": delivery.pk if delivery is not None else None,
        "created_at": now,
    }


def _recompute_customs(shipment: Shipment) -> set[str]:
    """The customs clock from all the shipment's events in time order, whatever order they came in:
    a pass starts at a customs scan and ends at the release, or at the first later scan that is not
    a customs one (carriers often skip the release scan). The last pass counts."""
    rows = TrackingEvent.objects.filter(shipment=shipment).exclude(status="").order_by("occurred_at", "id")
    started = released = None
    for at, status, sub in rows.values_list("occurred_at", "status", "sub_status"):
        if sub in CUSTOMS_START_SUBS or (status == ShipmentStatus.CUSTOMS and sub != SubStatus.CUSTOMS_RELEASED):
            if started is None or released is not None:
                started, released = at, None
        elif (started is not None and released is None) or (started is None and sub == SubStatus.CUSTOMS_RELEASED):
            released = at  # a release seen without its start is still worth showing
    changed = set()
    if shipment.customs_started_at != started:
        shipment.customs_started_at = started
        changed.add("customs_started_at")
    if shipment.customs_released_at != released:
        shipment.customs_released_at = released
        changed.add("customs_released_at")
    return changed


def shipment_set_status(
    *,
    shipment: Shipment,
    status: str,
    sub_status: str,
    source: str,
    now: datetime,
    event_at: datetime | None = None,
    event_key: str = "",
    actor: Any = None,
    note: str = "",
) -> set[str]:
    """The one write path of a shipment's status: records the change; the caller saves the
    returned fields on the locked row."""
    old, old_sub = shipment.status, shipment.sub_status
    shipment.status_event_at, shipment.status_event_key = event_at, event_key
    fields = {"status_event_at", "status_event_key"}
    if (old, old_sub) == (status, sub_status) and not note:
        return fields
    shipment.status, shipment.sub_status = status, sub_status
    fields |= {"status", "sub_status"}
    delivered_at = (event_at or now) if status == ShipmentStatus.DELIVERED else None
    if shipment.delivered_at != delivered_at:
        shipment.delivered_at = delivered_at
        fields.add("delivered_at")
    ShipmentStatusChange.objects.create(
        shipment=shipment,
        old_status=old,
        new_status=status,
        old_sub_status=old_sub,
        new_sub_status=sub_status,
        event_at=event_at,
        source=source if source in Source.values else Source.SYSTEM,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:255],
    )
    return fields


def _mark_order_delivered(shipment: Shipment) -> None:
    """The order counts as delivered when its last shipment is (the compensation app's return
    window starts there)."""
    others = Shipment.objects.filter(order_id=shipment.order_id).exclude(pk=shipment.pk)
    if others.exclude(status=ShipmentStatus.DELIVERED).exists():
        return
    Order.objects.filter(pk=shipment.order_id, delivered_at__isnull=True).update(delivered_at=shipment.delivered_at)
