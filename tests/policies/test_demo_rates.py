"""The demo has exchange rates for every currency of its orders, dated so they work on the day it runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command

from demo.data import CUSTOMERS
from policies.models import ExchangeRate
from policies.services import compensation_request_create
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_every_demo_currency_a_rate_and_anna_can_compensate_in_eur(settings):
    settings.SUPPORT_TIME_ZONE = "Asia/Shanghai"
    with time_machine.travel(datetime(2027, 3, 2, 18, 0, tzinfo=UTC), tick=False):  # the 3rd in Shanghai
        call_command("seed_demo")
        currencies = {c for *_rest, c in CUSTOMERS} - {"USD"}
        rates = ExchangeRate.objects.filter(date=date(2027, 3, 3))
        assert set(rates.values_list("currency", flat=True)) == currencies
        ticket = Ticket.objects.filter(order__currency="EUR", team__slug="europe").first()
        from django.contrib.auth import get_user_model

        anna = get_user_model().objects.get(username="anna")
        request = compensation_request_create(
            ticket=ticket, actor=anna, kind="partial_refund", reason="late", amount="10.00"
        )
        assert request.rate_date == date(2027, 3, 3)

    # run again days later (make run seeds every time): today's rates are added, nothing doubled
    with time_machine.travel(datetime(2027, 3, 20, 8, 0, tzinfo=UTC), tick=False):
        call_command("seed_demo")
    assert ExchangeRate.objects.filter(date=date(2027, 3, 20)).count() == len(currencies)
    assert ExchangeRate.objects.filter(date=date(2027, 3, 3)).count() == len(currencies)


def test_demo_rates_never_replace_real_ones(settings):
    with time_machine.travel(datetime(2027, 3, 2, 8, 0, tzinfo=UTC), tick=False):
        ExchangeRate.objects.create(currency="EUR", date=date(2027, 3, 1), units_per_usd="0.9", source="ECB")
        call_command("seed_demo")
    assert not ExchangeRate.objects.filter(currency="EUR", source="demo").exists()
    assert ExchangeRate.objects.filter(currency="GBP", source="demo").exists()
