"""The day of a rate is the support centre's calendar day, for the admin and the limit check alike;
when that day has no rate, the latest of the last EXCHANGE_RATE_MAX_AGE_DAYS days is used and shown
with its date; older than that, the request is refused clearly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from helpdesk.errors import ServiceError
from policies.models import ExchangeRate
from tests.policies.factories import ExchangeRateFactory

from .conftest import ask

pytestmark = pytest.mark.django_db

# 17:00 UTC on the 20th is already 01:00 on the 21st in Shanghai, the support centre's zone.
EVENING = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
MORNING = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def rate(day: date, units: str = "0.8", currency: str = "EUR") -> ExchangeRate:
    return ExchangeRateFactory(currency=currency, date=day, units_per_usd=Decimal(units))


def test_a_rate_entered_for_the_admins_today_is_used_in_the_evening_utc(client, actors, make_ticket, settings):
    settings.SUPPORT_TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(EVENING, tick=False):
        # given the admin adds a rate, taking the date the admin offers as today
        client.force_login(actors.admin)
        page = client.get(reverse("admin:policies_exchangerate_add")).content.decode()
        assert 'value="2026-11-21"' in page  # the support centre's today, filled in
        assert "Asia/Shanghai" in page  # and the form says which calendar that is
        response = client.post(
            reverse("admin:policies_exchangerate_add"),
            {"currency": "EUR", "date": "2026-11-21", "units_per_usd": "0.8", "source": "typed in"},
        )
        assert response.status_code == 302

        # when an agent requests compensation in EUR right then
        request = ask(actors.l1, make_ticket(), amount="20.00")

    # then that very rate is used: EUR 20 = USD 25, within the L1 limit
    assert (request.rate, request.rate_date, request.amount_usd) == (
        Decimal("0.8"),
        date(2026, 11, 21),
        Decimal("25.00"),
    )
    assert request.state == "approved"


def test_the_latest_rate_of_the_last_days_is_used_and_shown_with_its_date(client, actors, make_ticket):
    rate(date(2026, 11, 14), "0.5")  # older: not the latest
    rate(date(2026, 11, 17), "0.8")
    rate(date(2026, 11, 23), "0.1")  # a future day is never used
    with time_machine.travel(MORNING, tick=False):
        ticket = make_ticket()
        client.force_login(actors.l1)
        panel = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
        request = ask(actors.l1, ticket, amount="20.00")
        after = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    # the agent sees, before asking, which rate applies and of which day
    assert "USD 1 = EUR 0.8" in panel and "Nov. 17, 2026" in panel
    assert "not in yet" in panel
    assert (request.rate, request.rate_date, request.amount_usd) == (
        Decimal("0.8"),
        date(2026, 11, 17),
        Decimal("25.00"),
    )
    assert "USD 1 = EUR 0.8 on Nov. 17, 2026" in after


def test_no_rate_within_the_last_days_is_refused_clearly(actors, make_ticket, settings):
    rate(date(2026, 11, 12))  # eight days before
    with time_machine.travel(MORNING, tick=False):
        ticket = make_ticket()
        with pytest.raises(ServiceError) as caught:
            ask(actors.l1, ticket, amount="20.00")
        assert caught.value.field == "currency"
        assert "no exchange rate for EUR" in caught.value.message
        assert "between 2026-11-13 and 2026-11-20" in caught.value.message

        # a longer window is a setting
        settings.EXCHANGE_RATE_MAX_AGE_DAYS = 8
        assert ask(actors.l1, ticket, amount="20.00").rate_date == date(2026, 11, 12)


def test_todays_rate_wins_over_older_ones(actors, make_ticket):
    rate(date(2026, 11, 19), "0.5")
    rate(date(2026, 11, 20), "0.8")
    with time_machine.travel(MORNING, tick=False):
        request = ask(actors.l1, make_ticket(), amount="20.00")
    assert (request.rate, request.rate_date) == (Decimal("0.8"), date(2026, 11, 20))


def test_the_admins_calendar_offers_the_support_centres_today_whatever_their_own_zone(client, teams, settings):
    from tests.factories import make_staff

    settings.SUPPORT_TIME_ZONE = "Asia/Shanghai"
    admin = make_staff(team=teams.europe, tier="L3", username="berlin-admin", is_staff=True, is_superuser=True)
    admin.agent_profile.time_zone = "Europe/Berlin"
    admin.agent_profile.save()
    client.force_login(admin)
    with time_machine.travel(EVENING, tick=False):  # the 20th in Berlin, the 21st in Shanghai
        page = client.get(reverse("admin:policies_exchangerate_add")).content.decode()
    assert 'data-admin-utc-offset="28800"' in page  # the calendar's "Today" is Shanghai's
    assert 'value="2026-11-21"' in page
