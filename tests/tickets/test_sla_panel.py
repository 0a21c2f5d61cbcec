"""The ticket page's SLA panel: each clock's target, deadline and state as stored at the moment, even
when its HTML is kept between requests (a change made outside the services included)."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from helpdesk.fragments import store
from tests.tickets.ticket_pages import new_ticket, page_of
from tickets.models import SlaClock

pytestmark = pytest.mark.django_db


def in_zone_of(shown: str, when) -> str:
    """A time as the panel writes it, in the zone the panel names."""
    zone = re.search(r"Times in ([\w/+-]+)\.", shown).group(1)
    return f"{when.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"


def panel(client, user, ticket) -> str:
    found = re.search(r'<section class="card sla-panel".*?</section>', page_of(client, user, ticket), re.S)
    assert found, "no SLA panel"
    return re.sub(r"\s+", " ", found.group(0))


def test_the_panel_follows_each_clock_as_stored(client, actors):
    store.clear()
    ticket = new_ticket(actors)
    clocks = SlaClock.objects.filter(ticket=ticket)
    assert clocks.exists()
    first = clocks.order_by("metric").first()
    assert "running" in panel(client, actors.l1, ticket)

    clocks.filter(pk=first.pk).update(warned_at=timezone.now())
    assert "at risk" in panel(client, actors.l1, ticket)

    missed = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    clocks.filter(pk=first.pk).update(breached_at=missed)
    shown = panel(client, actors.l1, ticket)
    assert "breached" in shown and f"missed at {in_zone_of(shown, missed)}" in shown

    due = timezone.now().replace(microsecond=0) + timedelta(days=2)
    clocks.exclude(pk=first.pk).update(due_at=due)
    shown = panel(client, actors.l1, ticket)
    assert in_zone_of(shown, due) in shown

    clocks.exclude(pk=first.pk).update(paused_at=timezone.now(), due_at=None)
    assert "paused" in panel(client, actors.l1, ticket)
