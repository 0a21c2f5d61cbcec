"""An order of Lena's (German, lena@example.de) in transit with a carrier's timeline, and helpers
that go through the code the way a customer does (the code read from the email sent)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from logistics.choices import ShipmentStatus, Source, SubStatus
from logistics.models import Carrier, TrackingEvent
from tests.factories import OrderFactory
from tests.logistics.factories import ShipmentFactory
from tests.messaging.conftest import accounts, fake, post  # noqa: F401  (the assistant's tests write through the apps)

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock_start() -> datetime:
    return START


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def order(actors, teams, clock):
    return OrderFactory(
        customer=actors.customer,
        external_number="SO-1001",
        currency="EUR",
        total=Decimal("40.00"),
        ship_to_country="DE",
        placed_at=START - timedelta(days=5),
    )


@pytest.fixture
def parcel(order):
    carrier = Carrier.objects.create(name="DHL", aftership_slug="dhl-test")
    shipment = ShipmentFactory(
        order=order,
        carrier=carrier,
        tracking_number="JD0001",
        status=ShipmentStatus.IN_TRANSIT,
        expected_delivery=date(2026, 11, 23),
        last_event_at=START - timedelta(hours=5),
    )
    for hours, status, sub, place in [
        (30, ShipmentStatus.INFO_RECEIVED, "", "Shenzhen"),
        (5, ShipmentStatus.IN_TRANSIT, SubStatus.ARRIVED_DESTINATION, "Leipzig"),
    ]:
        TrackingEvent.objects.create(
            shipment=shipment,
            occurred_at=START - timedelta(hours=hours),
            status=status,
            sub_status=sub,
            location=place,
            source=Source.AFTERSHIP,
            fingerprint=f"f{hours}",
        )
    return shipment


def delivered(order: Any, at: datetime) -> None:
    shipment = ShipmentFactory(order=order, status=ShipmentStatus.DELIVERED, delivered_at=at)
    TrackingEvent.objects.create(
        shipment=shipment, occurred_at=at, status=ShipmentStatus.DELIVERED, source=Source.AFTERSHIP, fingerprint="d"
    )


def ask_code(client: Any, capture: Any, number: str, email: str, lang: str = "de") -> Any:
    with capture(execute=True):
        return client.post(reverse("selfservice:lookup"), {"order_number": number, "email": email, "lang": lang})


def code_from_mail() -> str:
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


def enter_code(client: Any, code: str, lang: str = "de") -> Any:
    return client.post(reverse("selfservice:code"), {"code": code, "lang": lang})


@pytest.fixture
def verified(client, order, django_capture_on_commit_callbacks):
    """A browser that went through the code for the order."""
    ask_code(client, django_capture_on_commit_callbacks, "SO-1001", "lena@example.de")
    response = enter_code(client, code_from_mail())
    assert response.status_code == 302 and response["Location"].startswith(f"/support/orders/{order.pk}/")
    return client
