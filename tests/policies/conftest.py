"""Fixtures of the compensation tests: stored rates chosen so the tier boundaries are exact,
tickets with orders in several currencies, a second supervisor, a frozen clock."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from helpdesk import roles
from policies import services
from policies.models import ExchangeRate, TierAuthority
from tests.factories import OrderFactory, TicketFactory, make_staff

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

# Units per USD: EUR 40.00 = JPY 5000 = GBP 37.50 = USD 50.00 exactly.
RATES = {"EUR": "0.8", "JPY": "100", "GBP": "0.75", "KWD": "1"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def rates(db):
    today = timezone.now().date()
    for currency, rate in RATES.items():
        ExchangeRate.objects.update_or_create(
            currency=currency, date=today, defaults={"units_per_usd": Decimal(rate), "source": "test"}
        )
    return RATES


@pytest.fixture(autouse=True)
def _seed_data(request):
    """A transactional test's flush empties the tables the data migrations filled (and, with
    --reuse-db, leaves them empty for the next run): put back the role groups and tier
    authorities before anyone is created. Cheap get_or_create when they are there."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    for group_name, perms in roles.GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    seed = importlib.import_module("policies.migrations.0002_seed_tiers")
    for tier, (limit, kinds) in seed.DEFAULT_TIERS.items():
        TierAuthority.objects.get_or_create(tier=tier, defaults={"limit_usd": limit, "kinds": kinds})


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
