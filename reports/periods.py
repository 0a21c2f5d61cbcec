"""Days and periods of the reports: calendar days of the support centre's time zone.

The daily summary needs one definition of "a day" for everyone, so days run from midnight to
midnight in settings.SUPPORT_TIME_ZONE (where the shifts are planned). Times of day shown on the
page (the last refresh, the oldest waiting approval) are in the viewer's own zone.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years
WEEKLY_FROM_DAYS = 62  # longer periods trend by week


def support_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.SUPPORT_TIME_ZONE)


def support_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(support_zone()).date()


def day_start(day: date) -> datetime:
    """The first instant of a support-centre day."""
    return datetime.combine(day, time.min, tzinfo=support_zone())


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        """Exclusive: the first instant after the last day."""
        return day_start(self.last + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def default_step(self) -> str:
        return "week" if self.days > WEEKLY_FROM_DAYS else "day"

    @classmethod
    def default(cls, now: datetime | None = None) -> Period:
        today = support_today(now)
        return cls(first=today - timedelta(days=DEFAULT_DAYS - 1), last=today)


def week_start(day: date) -> date:
    """The Monday of the day's week (ISO weeks, as PostgreSQL's date_trunc('week'))."""
    return day - timedelta(days=day.weekday())
