"""Given a customer's orders, tickets, compensation and ratings, their profile shows figures a person
can check by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from insights.models import CustomerProfile
from insights.services.profiles import profiles_refresh
from policies.models import ExchangeRate
from tests.factories import CategoryFactory, CustomerFactory, OrderFactory
from tickets.models import Channel
from tickets.services import message_receive_from_customer, ticket_create

from .helpers import grant, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock_start():
    return datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def rich_customer(clock, actors, teams):
    customer = CustomerFactory(name="Ana", email="ana@example.com", language="en", country="DE")
    ExchangeRate.objects.create(currency="EUR", date=date(2026, 1, 10), units_per_usd=Decimal("0.8"))
    ExchangeRate.objects.create(currency="EUR", date=date(2025, 1, 1), units_per_usd=Decimal("0.5"))
    # EUR 100 at 0.8 = USD 125.00 (within 12 months); EUR 50 at 0.5 = USD 100.00 (older than 12 months);
    # USD 19.99; JPY with no rate at all: counted as an order, left out of the spend.
    OrderFactory(customer=customer, currency="EUR", total=Decimal("100"), placed_at=datetime(2026, 1, 15, tzinfo=UTC))
    OrderFactory(customer=customer, currency="EUR", total=Decimal("50"), placed_at=datetime(2025, 2, 1, tzinfo=UTC))
    OrderFactory(customer=customer, currency="USD", total=Decimal("19.99"), placed_at=datetime(2026, 2, 1, tzinfo=UTC))
    OrderFactory(customer=customer, currency="JPY", total=Decimal("1000"), placed_at=datetime(2026, 2, 20, tzinfo=UTC))
    complaint = CategoryFactory(slug="billing", name="Billing", kind="complaint")
    inquiry = CategoryFactory(slug="question", name="Question", kind="inquiry")
    first = ticket_create(
        customer=customer, subject="Charged twice", body="Twice!", channel=Channel.EMAIL, category=complaint
    )
    second = ticket_create(
        customer=customer, subject="Sizes?", body="Which size?", channel=Channel.WEB, category=inquiry
    )
    clock.move_to(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    message_receive_from_customer(ticket=second, body="Still waiting", channel=Channel.WEB)
    grant(first, "return_exchange", "30.00", by=actors.l2, at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    grant(first, "coupon", "12.50", by=actors.l2, at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    rate(first, 5, agent=actors.l2)
    rate(second, 2, agent=actors.l1)
    return customer


def test_profile_figures_match_those_computed_by_hand(rich_customer):
    profiles_refresh()

    profile = CustomerProfile.objects.get(customer=rich_customer)
    assert profile.spend_12m_usd == Decimal("144.99")  # 125.00 + 19.99
    assert profile.spend_total_usd == Decimal("244.99")  # + 100.00
    assert (profile.orders, profile.orders_12m) == (4, 3)
    assert profile.returns == 1
    assert (profile.tickets, profile.complaints, profile.complaints_recent) == (2, 1, 1)
    assert profile.compensation_usd == Decimal("42.50")
    assert (profile.rating_avg, profile.ratings, profile.low_ratings_recent) == (Decimal("3.50"), 2, 1)
    assert profile.channels == ["email", "web"]
    assert profile.last_contact_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_customer_with_nothing_yet_has_zero_figures(clock, actors):
    profiles_refresh(customer_ids=[actors.customer.pk])

    profile = CustomerProfile.objects.get(customer=actors.customer)
    assert (profile.spend_total_usd, profile.orders, profile.ratings, profile.rating_avg) == (0, 0, 0, None)
    assert profile.channels == []


def test_refreshing_one_customer_leaves_the_others_and_running_twice_changes_nothing(rich_customer, actors):
    profiles_refresh(customer_ids=[rich_customer.pk])
    profiles_refresh(customer_ids=[rich_customer.pk])

    assert list(CustomerProfile.objects.values_list("customer_id", flat=True)) == [rich_customer.pk]
    assert CustomerProfile.objects.get().spend_total_usd == Decimal("244.99")


def test_a_new_message_refreshes_the_customers_profile_after_commit(
    clock, actors, teams, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(customer=actors.customer, subject="Hello", body="Hi", channel=Channel.WEB)

    profile = CustomerProfile.objects.get(customer=actors.customer)
    assert profile.tickets == 1
    assert profile.last_contact_at is not None


def test_the_ticket_page_and_the_customer_page_show_the_profile(rich_customer, actors, client):
    profiles_refresh()
    ticket = rich_customer.tickets.first()
    client.force_login(actors.l1)

    ticket_page = client.get(ticket.get_absolute_url()).content.decode()
    customer_page = client.get(f"/insights/customers/{rich_customer.pk}/").content.decode()

    for page in (ticket_page, customer_page):
        assert "USD 144.99" in page
        assert "3.50 (2)" in page


def test_an_agent_of_another_team_cannot_open_the_customer_page(rich_customer, actors, client):
    client.force_login(actors.other_team_agent)

    assert client.get(f"/insights/customers/{rich_customer.pk}/").status_code == 404


def test_a_grant_and_a_survey_answer_refresh_the_profile_after_commit(
    clock, actors, teams, django_capture_on_commit_callbacks
):
    ticket = ticket_create(customer=actors.customer, subject="Broken", body="It broke", channel=Channel.WEB)

    with django_capture_on_commit_callbacks(execute=True):
        grant(ticket, "coupon", "15.00", by=actors.l2, at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
        rate(ticket, 1, agent=actors.l2)

    profile = CustomerProfile.objects.get(customer=actors.customer)
    assert profile.compensation_usd == Decimal("15.00")
    assert (profile.ratings, profile.low_ratings_recent) == (1, 1)
