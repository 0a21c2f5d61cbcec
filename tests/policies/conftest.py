"""Fixtures of the compensation tests: stored rates chosen so the tier boundaries are exact,
tickets with orders in several currencies, a second supervisor, a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from helpdesk import roles
from policies import services
from tests.factories import OrderFactory, TicketFactory, make_staff
from tests.policies.factories import ExchangeRateFactory

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

# Units per USD: EUR 40.00 = JPY 5000 = GBP 37.50 = USD 50.00 exactly.
RATES = {"EUR": "0.8", "JPY": "100", "GBP": "0.75", "KWD": "1"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock_start() -> datetime:
    return START


@pytest.fixture
def rates(db):
    for currency, rate in RATES.items():
        ExchangeRateFactory(currency=currency, units_per_usd=Decimal(rate))
    return RATES


@pytest.fixture
def second_supervisor(teams):
    return make_staff(team=teams.europe, tier="L3", group=roles.SUPERVISOR_GROUP, username="super2")


@pytest.fixture
def make_ticket(actors, teams):
    def make(currency: str = "EUR", total: str = "500.00", order: Any = "new", **fields: Any):
        if order == "new":
            order = OrderFactory(
                customer=actors.customer, currency=currency, total=Decimal(total), placed_at=timezone.now()
            )
        return TicketFactory(customer=actors.customer, team=teams.europe, order=order, language="de", **fields)

    return make


def ask(actor: Any, ticket: Any, **fields: Any):
    """An agent's request; a late-delivery partial refund unless told otherwise."""
    data = {"kind": "partial_refund", "reason": "late", **fields}
    return services.compensation_request_create(ticket=ticket, actor=actor, **data)
