"""The daily summary: refreshed by a periodic task, idempotent, safe to run twice at once, recent
days recomputed every time and every day once a day; its freshness shown on the dashboard."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from reports.models import DailyTicketStats, SummaryRefresh
from reports.services import summary_refresh
from reports.tasks import refresh_summary
from tickets.models import Ticket

from .conftest import at, make_compensation
from .helpers import dashboard, total

MEASURES = ("created", "return_exchange", "first_response_met", "first_response_missed", "surveys_sent")


def snapshot() -> list[tuple]:
    fields = ("day", "team_id", "agent_id", "category_id", "country", "channel", *MEASURES)
    return sorted(DailyTicketStats.objects.values_list(*fields), key=str)


@pytest.mark.django_db
def test_refreshing_twice_gives_the_same_summary(helpdesk):
    before = snapshot()
    assert before
    summary_refresh(full=True)
    summary_refresh(full=False)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_refresh_picks_up_what_changed_in_recent_days(client, helpdesk, actors):
    # Given T1's ticket getting a free return approved today
    make_compensation(
        helpdesk.tickets.t1, "return_exchange", "0.00", by=actors.l1, tier="L1", created=at(3, 20), decided=at(3, 20)
    )
    assert total(dashboard(client, actors.supervisor), "return_exchange")["returned"] == 1
    # When the periodic refresh runs
    refresh_summary.delay()
    # Then the return rate counts it
    assert total(dashboard(client, actors.supervisor), "return_exchange")["returned"] == 2


@pytest.mark.django_db
def test_older_days_wait_for_the_daily_full_rebuild(client, helpdesk, actors, clock):
    # Given a ticket of January moved to North America
    Ticket.objects.filter(pk=helpdesk.tickets.t7.pk).update(team=helpdesk.tickets.t6.team)
    january = {"date_from": "2026-01-01", "date_to": "2026-01-31"}
    assert total(dashboard(client, actors.supervisor, **january), "sla")["fr_missed"] == 1
    # When the frequent refresh runs, it leaves the days before its window alone
    result = summary_refresh()
    assert (result.full, result.first_day.isoformat()) == (False, "2026-02-13")
    assert total(dashboard(client, actors.supervisor, **january), "sla")["fr_missed"] == 1
    # And a day later, the refresh rebuilds everything and the ticket leaves Europe's figures
    clock.shift(timedelta(hours=24))
    assert summary_refresh().full is True
    assert total(dashboard(client, actors.supervisor, **january), "sla")["fr_missed"] == 0


@pytest.mark.django_db
def test_the_dashboard_says_when_the_summary_was_refreshed_in_the_viewers_zone(client, helpdesk, actors):
    client.force_login(actors.supervisor)  # Asia/Shanghai: 12:00 UTC is 20:00
    assert "as of 2026-03-20 20:00" in client.get(reverse("reports:dashboard")).content.decode()
    profile = actors.supervisor.agent_profile
    profile.time_zone = "Europe/Berlin"
    profile.save()
    assert "as of 2026-03-20 13:00" in client.get(reverse("reports:dashboard")).content.decode()


@pytest.mark.django_db
def test_before_the_first_refresh_the_dashboard_says_so(client, actors, clock):
    client.force_login(actors.supervisor)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "appear after the first refresh" in page


def test_the_refresh_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-refresh-summary"]
    assert entry["task"] == refresh_summary.name == "reports.tasks.refresh_summary"
    assert entry["schedule"] == timedelta(minutes=10)


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_write_the_summary_once(helpdesk):
    expected = snapshot()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            start.wait()
            summary_refresh(full=True)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert snapshot() == expected
    assert SummaryRefresh.objects.count() == 1
