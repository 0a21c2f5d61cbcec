"""Fixtures of the returns tests: an order delivered (by its tracking timeline) two days before the
frozen clock, a return address for Germany, the exchange rate that makes EUR 40 = USD 50."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from logistics.choices import ShipmentStatus, Source
from logistics.models import Carrier, TrackingEvent
from returns import services
from returns.models import ReturnAddress
from tests.factories import OrderFactory, TicketFactory
from tests.logistics.factories import ShipmentFactory
from tests.policies.factories import ExchangeRateFactory
from tickets.models import Attachment

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock_start() -> datetime:
    return START


@pytest.fixture
def rates(db):
    ExchangeRateFactory(currency="EUR", units_per_usd=Decimal("0.8"), date=START.date())


def deliver(order: Any, at: datetime) -> None:
    """The order's parcel, delivered at `at` by its carrier's scan."""
    shipment = ShipmentFactory(order=order, status=ShipmentStatus.DELIVERED, delivered_at=at)
    TrackingEvent.objects.create(
        shipment=shipment, occurred_at=at, status=ShipmentStatus.DELIVERED, source=Source.AFTERSHIP, fingerprint="d"
    )


@pytest.fixture
def make_ticket(actors, teams, rates, clock):
    def make(total: str = "40.00", delivered: datetime | None = START - timedelta(days=2), **fields: Any):
        order = OrderFactory(
            customer=actors.customer,
            currency="EUR",
            total=Decimal(total),
            ship_to_country="DE",
            placed_at=START - timedelta(days=10),
        )
        if delivered is not None:
            deliver(order, delivered)
        return TicketFactory(customer=actors.customer, team=teams.europe, order=order, language="de", **fields)

    return make


@pytest.fixture
def address(db):
    return ReturnAddress.objects.create(country="DE", name="Returns Centre", address="Lagerstr. 1\n12345 Berlin")


@pytest.fixture
def carrier(db):
    return Carrier.objects.order_by("pk").first()


def photo(ticket: Any) -> None:
    Attachment.objects.create(
        ticket=ticket,
        token=f"p{ticket.pk}",
        original_name="box.jpg",
        content_type="image/jpeg",
        size=10,
        sha256="1" * 64,
    )


def ask(ticket: Any, actor: Any = None, **fields: Any):
    data = {"kind": "return", "reason": "no_reason", "items": [{"sku": "TS-42", "quantity": 1}], **fields}
    return services.return_request(ticket=ticket, actor=actor, **data)
