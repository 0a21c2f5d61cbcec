"""17TRACK API v2.2 push notifications (TRACKING_UPDATED, TRACKING_STOPPED).

17TRACK sends no event id, so a delivery's identity is a hash of its content, canonicalised so
that key order and white space do not matter.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import replace
from typing import Any

from ..choices import Source
from ..mapping import seventeentrack_status
from .common import (
    MAX_LOCATION,
    ParsedEvent,
    ParsedUpdate,
    PayloadError,
    join_text,
    lenient_date,
    optional_dict,
    optional_list,
    parse_time,
    require_dict,
    required_text,
    text,
    to_alpha2,
    tracking_number,
)

UPDATED = "TRACKING_UPDATED"
STOPPED = "TRACKING_STOPPED"


def content_key(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _carrier_code(value: Any) -> str:
    if isinstance(value, bool) or value in (None, ""):
        return ""
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return str(int(value))
    raise PayloadError("data.carrier: expected the carrier's numeric code")


def _event(raw: Any, path: str) -> ParsedEvent:
    event = require_dict(raw, path)
    time_utc, time_iso = event.get("time_utc"), event.get("time_iso")
    if not time_utc and not time_iso:
        raise PayloadError(f"{path}.time_utc: missing")
    occurred_at, offset = parse_time(time_utc or time_iso, f"{path}.time_utc")
    if time_utc and time_iso:  # the instant from time_utc, the carrier's local offset from time_iso
        with contextlib.suppress(PayloadError):
            offset = parse_time(time_iso, f"{path}.time_iso")[1]
    sub_status, stage = text(event.get("sub_status"), 60), text(event.get("stage"), 40)
    status, normalised_sub = seventeentrack_status(None, sub_status, stage)
    address = optional_dict(event.get("address"), f"{path}.address")
    location = text(event.get("location"), MAX_LOCATION) or join_text(
        address.get("city"), address.get("state"), address.get("country")
    )
    return ParsedEvent(
        occurred_at=occurred_at,
        utc_offset_minutes=offset,
        status=status,
        sub_status=normalised_sub,
        raw_status=stage,
        raw_sub_status=sub_status,
        description=text(event.get("description")),
        location=location,
        source=Source.SEVENTEENTRACK,
    )


def _events(track_info: dict[str, Any]) -> tuple[tuple[ParsedEvent, ...], str]:
    tracking = optional_dict(track_info.get("tracking"), "data.track_info.tracking")
    providers = optional_list(tracking.get("providers"), "data.track_info.tracking.providers")
    events: list[ParsedEvent] = []
    carrier_name = ""
    for i, raw_provider in enumerate(providers):
        path = f"data.track_info.tracking.providers[{i}]"
        provider = require_dict(raw_provider, path)
        carrier_name = carrier_name or text(optional_dict(provider.get("provider"), path).get("name"), 100)
        for j, raw in enumerate(optional_list(provider.get("events"), f"{path}.events")):
            events.append(_event(raw, f"{path}.events[{j}]"))
    return tuple(events), carrier_name


def parse_seventeentrack(data: Any) -> ParsedUpdate:
    body = require_dict(data, "body")
    event_type = required_text(body, "event", "event", max_length=60)
    dedup_key = content_key(body)
    if event_type not in (UPDATED, STOPPED):
        return ParsedUpdate(sender="17track", event_type=event_type, dedup_key=dedup_key, ignored=True)
    payload = require_dict(body.get("data"), "data")
    number = tracking_number(payload, "number", "data.number")
    carrier_code = _carrier_code(payload.get("carrier"))
    reference = text(payload.get("tag"), 100)
    base = ParsedUpdate(
        sender="17track",
        event_type=event_type,
        dedup_key=dedup_key,
        tracking_number=number,
        carrier_code=carrier_code,
        order_references=(reference,) if reference else (),
    )
    if event_type == STOPPED:
        return replace(base, stopped=True)
    track_info = require_dict(payload.get("track_info"), "data.track_info")
    latest = optional_dict(track_info.get("latest_status"), "data.track_info.latest_status")
    raw_sub = text(latest.get("sub_status"), 60)
    status, sub_status = seventeentrack_status(text(latest.get("status"), 40), raw_sub)
    shipping = optional_dict(track_info.get("shipping_info"), "data.track_info.shipping_info")
    recipient = optional_dict(shipping.get("recipient_address"), "data.track_info.shipping_info.recipient_address")
    misc = optional_dict(track_info.get("misc_info"), "data.track_info.misc_info")
    metrics = optional_dict(track_info.get("time_metrics"), "data.track_info.time_metrics")
    estimate = metrics.get("estimated_delivery_date")
    expected = None
    if isinstance(estimate, dict):
        expected = lenient_date(estimate.get("to")) or lenient_date(estimate.get("from"))
    events, carrier_name = _events(track_info)
    return replace(
        base,
        carrier_name=carrier_name,
        destination_country=to_alpha2(recipient.get("country")),
        service_name=text(misc.get("service_type"), 100),
        expected_delivery=expected,
        events=events,
        status=status,
        sub_status=sub_status,
        raw_sub_status=raw_sub,
    )
