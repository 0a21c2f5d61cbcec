"""The dashboard costs the same number of SQL queries whatever the amount of data behind it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.services import summary_refresh
from tests.factories import CategoryFactory, make_staff
from tickets.models import Metric

from .conftest import at, make_clock, make_compensation, make_exception, make_survey, make_ticket

pytestmark = pytest.mark.django_db

MAX_QUERIES = 24


def more_of_everything(teams, actors, count: int) -> None:
    """`count` more tickets over new agents, categories, countries and channels, each with clocks,
    a survey, compensation and a parcel exception."""
    agents = [make_staff(team=teams.europe, username=f"extra{i}") for i in range(5)]
    categories = [CategoryFactory(slug=f"extra-{i}") for i in range(4)]
    for i in range(count):
        agent = agents[i % len(agents)]
        ticket = make_ticket(
            created=at(3, 1 + i % 18, 3),
            team=teams.europe if i % 3 else teams.america,
            category=categories[i % len(categories)],
            country=["DE", "FR", "ES", "GB", "US"][i % 5],
            channel=["web", "email", "api", "phone", "chat"][i % 5],
            assignee=agent,
            first_response=timedelta(minutes=1 + i % 20),
            solved=timedelta(hours=1 + i % 30) if i % 4 else None,
            status="solved" if i % 4 else "open",
        )
        make_clock(ticket, Metric.FIRST_RESPONSE, 10, met_after=timedelta(minutes=1 + i % 20))
        make_survey(ticket, at(3, 2 + i % 17, 4), 1 + i % 5, agent=agent, team=ticket.team, country="DE")
        make_compensation(ticket, ["coupon", "gift", "return_exchange"][i % 3], "12.50", by=agent, tier="L1",
                          created=at(3, 2 + i % 17), decided=at(3, 2 + i % 17))  # fmt: skip
        make_exception(ticket, ["DHL", "UPS", "GLS"][i % 3], ticket.customer.country, at(3, 2 + i % 17))
    summary_refresh(full=True)


def count_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:dashboard"), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["admin", "supervisor", "l1"])
def test_the_dashboard_makes_as_many_queries_for_a_lot_of_data_as_for_a_little(
    client, helpdesk, teams, actors, who, django_assert_max_num_queries
):
    client.force_login(getattr(actors, who))
    with django_assert_max_num_queries(MAX_QUERIES):
        small = count_queries(client)
    more_of_everything(teams, actors, 60)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = count_queries(client)
    assert large == small
    # and so do filters, another breakdown and a weekly trend
    with django_assert_max_num_queries(MAX_QUERIES):
        assert count_queries(client, country="DE", by="channel", step="week") == small
