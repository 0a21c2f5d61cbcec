"""Fixtures of the logistics tests: the test secrets of shared/samples/README.md, signed posts,
the fixture bodies beside this file, the sample bodies read byte for byte, and an order whose
number the fixtures name."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from logistics.services import rules_cache_clear
from tests.factories import OrderFactory

from .helpers import AFTERSHIP_SECRET, SEVENTEENTRACK_KEY, post


@pytest.fixture(autouse=True)
def _webhook_secrets(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AFTERSHIP_WEBHOOK_SECRETS = [AFTERSHIP_SECRET]
    settings.SEVENTEENTRACK_API_KEYS = [SEVENTEENTRACK_KEY]
    rules_cache_clear()
    _release_drain_slots()
    yield
    rules_cache_clear()
    _release_drain_slots()


def _release_drain_slots() -> None:
    """A test that stops before its drain ran (on-commit callbacks not run, broker "down") must not
    leave the wake-up keys to the next test."""
    from django.core.cache import cache

    from logistics.services.processing import _slot_key, slots

    cache.delete_many([_slot_key(slot) for slot in range(slots())])


@pytest.fixture
def shop(actors, categories):
    """Lena's orders named by the fixtures (EX2000001 by AfterShip, EX2000002 by 17TRACK) and by the
    shared samples, with a rate for EUR today so coupons can be valued."""
    customer = actors.customer

    def order(number: str, country: str = "DE") -> Any:
        return OrderFactory(
            customer=customer,
            external_number=number,
            ship_to_country=country,
            currency="EUR",
            total=Decimal("200.00"),
            platform="shopify",
        )

    return SimpleNamespace(
        customer=customer,
        aftership_order=order("EX2000001"),
        seventeen_order=order("EX2000002"),
        sample_orders={
            "aftership_in_transit.json": order("EX1058832", "US"),
            "aftership_delivered.json": order("EX1056230", "GB"),
            "17track_in_transit.json": order("EX1058840", "US"),
            "17track_delivered.json": order("EX1056988", "DE"),
        },
    )


@pytest.fixture
def eur_rate(db):
    """EUR 0.8 per USD on every day the tests travel to (the compensation rules value a coupon with
    the rate of its own day)."""
    from policies.models import ExchangeRate

    first = date(2026, 8, 1)
    ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(currency="EUR", date=first + timedelta(days=n), units_per_usd=Decimal("0.8"), source="test")
            for n in range(180)
        ],
        ignore_conflicts=True,
    )


@pytest.fixture
def webhook(client, django_capture_on_commit_callbacks):
    """Post a body and run what it enqueued (processing, then acting on exceptions) as a worker would."""

    def deliver(sender: str, body: bytes, signature: str | None = None, **extra: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return post(client, sender, body, signature, **extra)

    return deliver
