"""The app's settings, each read with a default so the project settings need not list them.

Durations may be given as a timedelta or as a number of seconds."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _duration(name: str, default: timedelta) -> timedelta:
    value = getattr(settings, name, None)
    if value is None:
        return default
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def survey_delay() -> timedelta:
    """How long after the solve the invitation is sent (then moved to a civil hour)."""
    return _duration("SURVEY_DELAY", timedelta(hours=24))


def survey_valid_for() -> timedelta:
    """How long a survey link works after the email was sent."""
    return _duration("SURVEY_VALID_FOR", timedelta(days=14))


def survey_archive_after() -> timedelta:
    """A ticket closed longer ago than this is archived: its survey no longer takes answers."""
    return _duration("SURVEY_ARCHIVE_AFTER", timedelta(days=30))


def civil_hours() -> tuple[int, int]:
    """Local hours [start, end) in which customers may be emailed."""
    start, end = getattr(settings, "SURVEY_CIVIL_HOURS", (9, 20))
    return int(start), int(end)


def survey_retry_after() -> timedelta:
    return _duration("SURVEY_RETRY_AFTER", timedelta(minutes=10))


def survey_rate_limit() -> tuple[int, int]:
    """At most this many survey page requests per IP address in a window of so many seconds."""
    return int(getattr(settings, "SURVEY_RATE_LIMIT", 30)), int(getattr(settings, "SURVEY_RATE_WINDOW", 300))


def care_due_after() -> timedelta:
    """How soon a supervisor must call back a customer who gave a low rating (business days only)."""
    return _duration("CARE_DUE_AFTER", timedelta(hours=24))


def survey_catch_up() -> timedelta:
    """The safety-net sweep creates a missed invitation for solves this recent, no older ones."""
    return _duration("SURVEY_CATCH_UP", timedelta(days=2))


def case_lookback() -> timedelta:
    """The case sweep looks at tickets solved within this window (cases are recorded within 24 h)."""
    return _duration("CASE_SWEEP_LOOKBACK", timedelta(days=14))


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://localhost:8000")).rstrip("/")
