"""Supervisors see the customers slipping away: a low rating, repeated complaints, or silence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from insights.services.profiles import profiles_refresh
from tests.factories import CategoryFactory, CustomerFactory, OrderFactory, TicketFactory

from .helpers import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock_start():
    return datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def customers(clock, actors, teams):
    europe = teams.europe
    complaint = CategoryFactory(slug="billing", name="Billing", kind="complaint")
    unhappy = CustomerFactory(name="Una Unhappy")
    rate(TicketFactory(customer=unhappy, team=europe), 1, agent=actors.l1)
    complainer = CustomerFactory(name="Carl Complainer")
    TicketFactory(customer=complainer, team=europe, category=complaint)
    TicketFactory(customer=complainer, team=europe, category=complaint)
    silent = CustomerFactory(name="Sid Silent")
    long_ago = clock_now() - timedelta(days=200)
    for _ in range(2):
        OrderFactory(customer=silent, currency="USD", total=Decimal("500"), placed_at=long_ago)
    TicketFactory(customer=silent, team=europe)
    happy = CustomerFactory(name="Hanna Happy")
    rate(TicketFactory(customer=happy, team=europe), 5, agent=actors.l1)
    elsewhere = CustomerFactory(name="Otto Other-team")
    rate(TicketFactory(customer=elsewhere, team=teams.america), 1, agent=actors.other_team_agent)
    profiles_refresh()


def clock_now() -> datetime:
    from django.utils import timezone

    return timezone.now()


def test_the_supervisor_sees_who_is_slipping_and_why(customers, actors, client):
    client.force_login(actors.supervisor)

    page = client.get("/insights/customers/at-risk/").content.decode()

    for name in ("Una Unhappy", "Carl Complainer", "Sid Silent"):
        assert name in page
    assert "Hanna Happy" not in page
    assert "Otto Other-team" not in page  # another team's customer
    assert "low rating" in page and "silence" in page
    assert page.index("Sid Silent") < page.index("Una Unhappy")  # more spend first among equals


def test_an_agent_may_not_open_the_list(customers, actors, client):
    client.force_login(actors.l1)

    assert client.get("/insights/customers/at-risk/").status_code == 403
