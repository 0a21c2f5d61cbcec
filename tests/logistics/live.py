"""Deliveries shaped like the aggregators' own (the fixtures, the shared samples), with their times
relative to now: what a carrier reports as it happens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from .helpers import dump, fixture_json

CHINA = timedelta(hours=8)
GERMANY = timedelta(hours=1)


def ago(**delta: float) -> datetime:
    return timezone.now().astimezone(UTC) - timedelta(**delta)


def _local(moment: datetime, offset: timedelta) -> str:
    from datetime import timezone as tz

    return moment.astimezone(tz(offset)).isoformat()


def aftership(
    number: str,
    order: str,
    checkpoints: list[tuple[datetime, str, str, str]],
    *,
    slug: str = "china-post",
    event_id: str,
) -> bytes:
    """An AfterShip tracking_update: (time, tag, subtag, message) per checkpoint, oldest first; the
    summary tag is the newest checkpoint's, as AfterShip sends it."""
    data = fixture_json("aftership_in_transit.json")
    data["event_id"] = event_id
    data["ts"] = int(timezone.now().timestamp())
    msg = data["msg"]
    template = msg["checkpoints"][0]
    msg["checkpoints"] = [
        {
            **template,
            "slug": slug,
            "checkpoint_time": _local(at, CHINA if i == 0 else GERMANY),
            "created_at": at.isoformat(),
            "tag": tag,
            "subtag": subtag,
            "subtag_message": message,
            "message": message,
            "city": "Shenzhen" if i == 0 else "Frankfurt",
            "country_region": "CHN" if i == 0 else "DEU",
            "country_region_name": "China" if i == 0 else "Germany",
        }
        for i, (at, tag, subtag, message) in enumerate(checkpoints)
    ]
    last = checkpoints[-1]
    msg.update(
        tracking_number=number,
        slug=slug,
        tag=last[1],
        subtag=last[2],
        subtag_message=last[3],
        order_number=f"#{order}",
        order_id=order,
        title=f"#{order}",
        shipment_type=None,
        shipment_pickup_date=checkpoints[0][0].isoformat(),
        updated_at=timezone.now().isoformat(),
    )
    return dump(data)


def seventeen(
    number: str,
    order: str,
    events: list[tuple[datetime, str, str]],
    *,
    status: str,
    carrier: int = 3011,
) -> bytes:
    """A 17TRACK TRACKING_UPDATED: (time, sub_status, description) per event, oldest first (17TRACK
    lists them newest first), the latest status the newest event's."""
    data = fixture_json("17track_customs_information.json")
    data["data"].update(number=number, carrier=carrier, tag=order)
    info = data["data"]["track_info"]
    raw = [
        {
            "time_iso": _local(at, GERMANY),
            "time_utc": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "time_raw": {"date": None, "time": None, "timezone": None},
            "description": description,
            "description_translation": {"lang": None, "description": None},
            "location": "FRANKFURT",
            "stage": None,
            "sub_status": sub_status,
            "address": {"country": "DE", "state": None, "city": "Frankfurt", "street": None, "postal_code": None},
        }
        for at, sub_status, description in reversed(events)
    ]
    info["tracking"]["providers"][0]["events"] = raw
    info["latest_event"] = raw[0]
    info["latest_status"] = {"status": status, "sub_status": events[-1][1], "sub_status_descr": None}
    info["milestone"] = []
    return dump(data)


def seventeen_stopped(number: str, order: str, carrier: int = 3011) -> bytes:
    data: dict[str, Any] = fixture_json("17track_stopped.json")
    data["data"].update(number=number, carrier=carrier, tag=order)
    return dump(data)
