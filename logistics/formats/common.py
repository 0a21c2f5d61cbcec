"""The common shape of a tracking update, and the small readers both formats share."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from babel.core import get_global

MAX_DESCRIPTION = 1000
MAX_LOCATION = 255
MAX_EVENTS = 500  # far above any real parcel; a body with more is refused
_TRACKING_NUMBER = re.compile(r"^[A-Z0-9]{4,40}$")


class PayloadError(ValueError):
    """The body is not a usable tracking update; the message says why (sent back with HTTP 400)."""


@dataclass(frozen=True)
class ParsedEvent:
    occurred_at: datetime  # aware, UTC
    utc_offset_minutes: int | None  # the carrier's local offset as sent, None when none was given
    status: str | None  # normalised; None when the sender's code is unknown even as a main status
    sub_status: str
    raw_status: str
    raw_sub_status: str
    description: str
    location: str
    source: str

    @property
    def fingerprint(self) -> str:
        """The event's identity by content: the same scan sent twice (or in two deliveries) is one row."""
        text = "|".join(
            [
                self.source,
                self.occurred_at.isoformat(),
                self.raw_status,
                self.raw_sub_status,
                self.description,
                self.location,
            ]
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ParsedUpdate:
    sender: str
    event_type: str
    dedup_key: str
    tracking_number: str = ""
    carrier_code: str = ""
    carrier_name: str = ""
    destination_country: str = ""
    service_name: str = ""
    expected_delivery: date | None = None
    shipped_at: datetime | None = None
    order_references: tuple[str, ...] = ()
    events: tuple[ParsedEvent, ...] = field(default_factory=tuple)
    status: str | None = None  # the sender's own summary of the current status
    sub_status: str = ""
    raw_sub_status: str = ""  # the sender's own code of that summary (e.g. Exception_004)
    stopped: bool = False  # the sender stopped tracking this number
    ignored: bool = False  # a kind of notification we do not act on


def require_dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{path}: expected an object")
    return value


def optional_dict(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    return require_dict(value, path)


def optional_list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{path}: expected a list")
    if len(value) > MAX_EVENTS:
        raise PayloadError(f"{path}: more than {MAX_EVENTS} entries")
    return value


def required_text(container: dict[str, Any], key: str, path: str, *, max_length: int = 200) -> str:
    value = container.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"{path}: missing or empty")
    if len(value) > max_length:
        raise PayloadError(f"{path}: longer than {max_length} characters")
    return value.strip()


def text(value: Any, max_length: int = MAX_DESCRIPTION) -> str:
    """Optional free text: anything not a string or number counts as empty; control characters go."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in str(value)).split())
    return cleaned[:max_length]


def join_text(*parts: Any, max_length: int = MAX_LOCATION) -> str:
    return ", ".join(p for p in (text(part, max_length) for part in parts) if p)[:max_length]


def normalise_tracking_number(value: str) -> str:
    """Upper case without spaces or dashes: how carriers print a number is not part of it."""
    return re.sub(r"[\s\-]", "", str(value or "")).upper()


def tracking_number(container: dict[str, Any], key: str, path: str) -> str:
    number = normalise_tracking_number(required_text(container, key, path, max_length=80))
    if not _TRACKING_NUMBER.match(number):
        raise PayloadError(f"{path}: not a tracking number (4 to 40 letters and digits)")
    return number


def parse_time(value: Any, path: str) -> tuple[datetime, int | None]:
    """An ISO 8601 time as (UTC instant, original offset in minutes). A time without an offset
    is taken as UTC and keeps no offset."""
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"{path}: missing")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise PayloadError(f"{path}: not an ISO 8601 time") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC), None
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else None
    return moment.astimezone(UTC), minutes


def lenient_time(value: Any) -> datetime | None:
    """An optional time: None when absent or unreadable (optional fields never refuse a body)."""
    try:
        return parse_time(value, "")[0]
    except PayloadError:
        return None


def lenient_date(value: Any) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        return date.fromisoformat(value[:10]) if len(value) <= 10 else datetime.fromisoformat(value).date()
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _alpha3() -> dict[str, str]:
    aliases = get_global("territory_aliases")
    return {
        code: targets[0]
        for code, targets in aliases.items()
        if len(code) == 3 and code.isalpha() and targets and len(targets[0]) == 2 and targets[0].isalpha()
    }


def to_alpha2(value: Any) -> str:
    """ISO 3166 alpha-2 from an alpha-2 or alpha-3 code; "" when unknown."""
    code = text(value, 3).upper()
    if len(code) == 2 and code.isalpha():
        return code
    if len(code) == 3:
        return _alpha3().get(code, "")
    return ""
