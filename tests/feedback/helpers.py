"""Helpers for tests whose clock cannot be frozen (real worker processes, threads)."""

from __future__ import annotations

from datetime import UTC, datetime


def civil_zone_now() -> str:
    """An Etc/GMT zone where the local time is now about midday (09:00-20:00 for a few hours)."""
    offset = 12 - datetime.now(UTC).hour  # -11 .. +12
    if offset == 0:
        return "Etc/GMT"
    # POSIX sign convention: Etc/GMT-8 is eight hours ahead of UTC.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
