"""AfterShip tracking webhooks (versions up to 2024-10 and from 2025-07: both country field names)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..choices import Source
from ..mapping import aftership_status
from .common import (
    MAX_LOCATION,
    ParsedEvent,
    ParsedUpdate,
    join_text,
    lenient_date,
    lenient_time,
    optional_list,
    parse_time,
    require_dict,
    required_text,
    text,
    to_alpha2,
    tracking_number,
)

TRACKING_EVENTS = {"tracking_update"}


def _country(msg: dict[str, Any], stem: str) -> str:
    return to_alpha2(msg.get(f"{stem}_country_region")) or to_alpha2(msg.get(f"{stem}_country_iso3"))


def _expected_delivery(msg: dict[str, Any]) -> date | None:
    """The most specific estimate the body carries: the latest one, the carrier's, AfterShip's, the promise."""
    latest = msg.get("latest_estimated_delivery")
    if isinstance(latest, dict):
        found = lenient_date(latest.get("datetime")) or lenient_date(latest.get("datetime_max"))
        if found:
            return found
    for key in (
        "courier_estimated_delivery_date",
        "aftership_estimated_delivery_date",
        "custom_estimated_delivery_date",
    ):
        value = msg.get(key)
        if isinstance(value, dict):
            value = value.get("estimated_delivery_date") or value.get("estimated_delivery_date_max")
        found = lenient_date(value)
        if found:
            return found
    return lenient_date(msg.get("order_promised_delivery_date"))


def _checkpoint(checkpoint: Any, path: str) -> ParsedEvent:
    checkpoint = require_dict(checkpoint, path)
    occurred_at, offset = parse_time(checkpoint.get("checkpoint_time"), f"{path}.checkpoint_time")
    tag, subtag = text(checkpoint.get("tag"), 40), text(checkpoint.get("subtag"), 40)
    status, sub_status = aftership_status(tag, subtag)
    country = checkpoint.get("country_region_name") or checkpoint.get("country_name")
    country = country or checkpoint.get("country_region") or checkpoint.get("country_iso3")
    location = text(checkpoint.get("location"), MAX_LOCATION) or join_text(
        checkpoint.get("city"), checkpoint.get("state"), country
    )
    return ParsedEvent(
        occurred_at=occurred_at,
        utc_offset_minutes=offset,
        status=status,
        sub_status=sub_status,
        raw_status=tag,
        raw_sub_status=subtag,
        description=text(checkpoint.get("message")) or text(checkpoint.get("subtag_message")),
        location=location,
        source=Source.AFTERSHIP,
    )


def parse_aftership(data: Any) -> ParsedUpdate:
    body = require_dict(data, "body")
    event_type = required_text(body, "event", "event", max_length=60)
    event_id = required_text(body, "event_id", "event_id", max_length=100)
    dedup_key = f"event:{event_id}"
    if event_type not in TRACKING_EVENTS:
        return ParsedUpdate(sender="aftership", event_type=event_type, dedup_key=dedup_key, ignored=True)
    msg = require_dict(body.get("msg"), "msg")
    number = tracking_number(msg, "tracking_number", "msg.tracking_number")
    checkpoints = optional_list(msg.get("checkpoints"), "msg.checkpoints")
    events = tuple(_checkpoint(cp, f"msg.checkpoints[{i}]") for i, cp in enumerate(checkpoints))
    subtag = text(msg.get("subtag"), 40)
    status, sub_status = aftership_status(text(msg.get("tag"), 40), subtag)
    references = tuple(ref for ref in (text(msg.get("order_number"), 100), text(msg.get("order_id"), 100)) if ref)
    return ParsedUpdate(
        sender="aftership",
        event_type=event_type,
        dedup_key=dedup_key,
        tracking_number=number,
        carrier_code=text(msg.get("slug"), 60).lower(),
        carrier_name="",
        destination_country=_country(msg, "destination") or _country(msg, "courier_destination"),
        service_name=text(msg.get("shipment_type"), 100) or text(msg.get("shipping_method"), 100),
        expected_delivery=_expected_delivery(msg),
        shipped_at=lenient_time(msg.get("shipment_pickup_date")),
        order_references=references,
        events=events,
        status=status,
        sub_status=sub_status,
        raw_sub_status=subtag,
    )
