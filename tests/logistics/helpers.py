"""Helpers of the logistics tests: the test secrets of shared/samples/README.md, signing, posting."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

AFTERSHIP_SECRET = "test_aftership_webhook_secret"
SEVENTEENTRACK_KEY = "TEST17TRACKAPIKEY0000000000000000"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# In CI the shared folder sits beside the repository: <root>/../shared/samples; elsewhere the
# repository's byte-for-byte copy in docs/samples/ is used.
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
if not SAMPLES.is_dir():
    SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
SAMPLE_SIGNATURES = {
    "aftership_in_transit.json": "VwYc5cwc/tylk3q0/bc8JjakckE0/rCPAR1nrY/j4yE=",
    "aftership_delivered.json": "V/CnAWJAOZJk6TXVYuYb+v6a2+4XTlb6YcGa6u2bIog=",
    "17track_in_transit.json": "3f51a8911cf9863f16535339c55ec15c8ba12b0f5429850d00cdacb4607ed6ec",
    "17track_delivered.json": "cd478541b2531b4c1ce0bd507e2eaaeb0609fb5675c3ff5b4092102cd0accdab",
}
URLS = {"aftership": "/webhooks/aftership/", "17track": "/webhooks/17track/"}


def sign(sender: str, body: bytes, secret: str | None = None) -> str:
    if sender == "aftership":
        key = (secret or AFTERSHIP_SECRET).encode()
        return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()
    return hashlib.sha256(body + b"/" + (secret or SEVENTEENTRACK_KEY).encode()).hexdigest()


def signature_headers(sender: str, signature: str) -> dict[str, str]:
    if sender == "aftership":
        return {"HTTP_AFTERSHIP_HMAC_SHA256": signature, "HTTP_AS_WEBHOOK_VERSION": "2025-07"}
    return {"HTTP_SIGN": signature}


def fixture_body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def sample_body(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def sender_of(name: str) -> str:
    return "17track" if name.startswith("17track") else "aftership"


def post(client: Any, sender: str, body: bytes, signature: str | None = None, **extra: Any) -> Any:
    """POST a body as the sender would: raw bytes, JSON content type, signed unless told otherwise."""
    signature = sign(sender, body) if signature is None else signature
    return client.generic(
        "POST", URLS[sender], body, content_type="application/json", **signature_headers(sender, signature), **extra
    )


def fixture_json(name: str) -> dict[str, Any]:
    return json.loads(fixture_body(name))


def sample_json(name: str) -> dict[str, Any]:
    return json.loads(sample_body(name))


def dump(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def aftership_with(base: str, *checkpoints: dict[str, Any], tag: str, subtag: str, event_id: str) -> bytes:
    """A fixture body with checkpoints added and its summary tag set, as a new AfterShip event."""
    data = fixture_json(base)
    data["event_id"] = event_id
    data["msg"]["checkpoints"] = data["msg"]["checkpoints"] + list(checkpoints)
    data["msg"]["tag"], data["msg"]["subtag"] = tag, subtag
    return dump(data)


def checkpoint(time: str, tag: str, subtag: str, message: str, city: str = "Berlin") -> dict[str, Any]:
    return {
        "checkpoint_time": time,
        "tag": tag,
        "subtag": subtag,
        "message": message,
        "city": city,
        "country_region": "DEU",
        "country_region_name": "Germany",
        "location": None,
        "slug": "yunexpress",
    }


def seventeen_with(base: str, *events: dict[str, Any], status: str, sub_status: str) -> bytes:
    data = fixture_json(base)
    provider = data["data"]["track_info"]["tracking"]["providers"][0]
    provider["events"] = list(events) + provider["events"]
    data["data"]["track_info"]["latest_status"] = {"status": status, "sub_status": sub_status, "sub_status_descr": None}
    return dump(data)


def seventeen_event(time_utc: str, sub_status: str, description: str, offset_hours: int = 2) -> dict[str, Any]:
    local = datetime.fromisoformat(time_utc).astimezone(timezone(timedelta(hours=offset_hours)))
    return {
        "time_utc": time_utc,
        "time_iso": local.isoformat(),
        "description": description,
        "location": "BERLIN",
        "sub_status": sub_status,
        "stage": None,
    }


def aftership_single(
    number: str,
    slug: str,
    time: str,
    *,
    tag: str = "InTransit",
    subtag: str = "InTransit_002",
    order_number: str = "#EX2000001",
    event_id: str | None = None,
    message: str = "Scanned",
) -> bytes:
    """An AfterShip delivery about any number, with one checkpoint (for rules that need many parcels)."""
    data = fixture_json("aftership_in_transit.json")
    data["event_id"] = event_id or f"{number}-{time}-{subtag}"
    msg = data["msg"]
    msg.update(
        tracking_number=number,
        slug=slug,
        tag=tag,
        subtag=subtag,
        order_number=order_number,
        order_id=order_number.lstrip("#"),
        shipment_type=None,
        shipment_pickup_date=None,
    )
    msg["checkpoints"] = [checkpoint(time, tag, subtag, message)]
    return dump(data)
