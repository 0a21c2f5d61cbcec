"""Civil hours: a customer is emailed only between 09:00 and 20:00 of their own clock."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, time, timedelta

from .. import conf


def customer_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def is_civil(at: datetime, zone_name: str) -> bool:
    start, end = conf.civil_hours()
    return start <= at.astimezone(customer_zone(zone_name)).hour < end


def next_civil(at: datetime, zone_name: str) -> datetime:
    """`at` itself when it falls in civil hours, else the next opening (09:00 local), in UTC."""
    zone = customer_zone(zone_name)
    start, end = conf.civil_hours()
    local = at.astimezone(zone)
    if start <= local.hour < end:
        return at
    day = local.date() if local.hour < start else local.date() + timedelta(days=1)
    opening = datetime.combine(day, time(start), tzinfo=zone)
    return opening.astimezone(UTC)
