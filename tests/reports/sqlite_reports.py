"""Run by test_sqlite.py in a process of its own against a SQLite database (the quick start's): the
summary refresh and the duration figures, by day and by week, run there too. Exits non-zero on the
first failure."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402

from reports.access import Access, ReportFilters  # noqa: E402
from reports.models import WeeklyDurations  # noqa: E402
from reports.periods import Period, support_today  # noqa: E402
from reports.selectors.durations import first_response_figures, resolution_figures  # noqa: E402
from reports.services import summary_refresh  # noqa: E402
from tests.factories import TeamFactory, TicketFactory  # noqa: E402
from tickets.models import Ticket  # noqa: E402

team = TeamFactory(is_default=True)
now = timezone.now()
for days_ago, minutes in ((3, 2), (10, 4), (40, 6), (80, 30)):
    created = now - timedelta(days=days_ago)
    ticket = TicketFactory(team=team)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=created,
        first_customer_message_at=created,
        first_response_at=created + timedelta(minutes=minutes),
        solved_at=created + timedelta(hours=minutes),
    )
summary_refresh(full=True)
assert WeeklyDurations.objects.exists()
today = support_today()
for days, step in ((30, "day"), (120, "week")):
    period = Period(first=today - timedelta(days=days - 1), last=today)
    filters = ReportFilters(access=Access(user_id=0, all_teams=True), period=period, step=step)
    first = first_response_figures(filters, "team")
    solved = resolution_figures(filters, "agent")
    expected = (2, 180) if days == 30 else (4, 300)
    # (SQLite counts seconds through julianday(): a few microseconds off)
    assert (first.total.measured, round(first.total.median or 0)) == expected, (days, first.total)
    assert solved.total.measured == expected[0] and solved.by_group[None].measured == expected[0], solved
    print(f"{days} days by {step} ok")
print("all done")
