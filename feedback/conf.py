"""The app's settings, read from the project settings (where their defaults live).

Durations may be given as a timedelta or as a number of seconds."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _duration(name: str) -> timedelta:
    value = getattr(settings, name)  # the name varies; the default is in helpdesk/settings/
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def survey_delay() -> timedelta:
    """How long after the solve the invitation is sent (then moved to a civil hour)."""
    return _duration("SURVEY_DELAY")


def survey_valid_for() -> timedelta:
    """How long a survey link works after the email was sent."""
    return _duration("SURVEY_VALID_FOR")


def survey_archive_after() -> timedelta:
    """A ticket closed longer ago than this is archived: its survey no longer takes answers."""
    return _duration("SURVEY_ARCHIVE_AFTER")


def civil_hours() -> tuple[int, int]:
    """Local hours [start, end) in which customers may be emailed."""
    start, end = settings.SURVEY_CIVIL_HOURS
    return int(start), int(end)


def survey_retry_after() -> timedelta:
    return _duration("SURVEY_RETRY_AFTER")


def survey_rate_limit() -> tuple[int, int]:
    """At most this many survey page requests per IP address in a window of so many seconds."""
    return int(settings.SURVEY_RATE_LIMIT), int(settings.SURVEY_RATE_WINDOW)


def care_due_after() -> timedelta:
    """How soon a supervisor must call back a customer who gave a low rating (business days only)."""
    return _duration("CARE_DUE_AFTER")


def survey_catch_up() -> timedelta:
    """The safety-net sweep creates a missed invitation for solves this recent, no older ones."""
    return _duration("SURVEY_CATCH_UP")


def case_lookback() -> timedelta:
    """The case sweep looks at tickets solved within this window (cases are recorded within 24 h)."""
    return _duration("CASE_SWEEP_LOOKBACK")


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")
