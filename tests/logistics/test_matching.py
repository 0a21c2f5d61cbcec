"""A delivery for a parcel nobody knows yet waits; creating its order or its shipment by any path
matches it at once, and the sweep catches the rest."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from logistics import tasks
from logistics.models import Shipment, WebhookDelivery
from tests.factories import make_platform
from tickets.models import Order

from .live import ago, seventeen

pytestmark = pytest.mark.django_db

NUMBER = "LZ300000027CN"


def _early_delivery(order: str) -> bytes:
    return seventeen(
        NUMBER,
        order,
        [(ago(days=2), "InTransit_PickedUp", "Accepted"), (ago(hours=3), "InTransit_Departure", "Departed")],
        status="InTransit",
    )


def test_a_delivery_is_matched_when_its_order_is_created_afterwards_through_the_api(
    webhook, shop, actors, django_capture_on_commit_callbacks
):
    webhook("17track", _early_delivery("EX3000001"))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.order_reference) == ("unmatched", "EX3000001")

    api = APIClient()
    api.force_authenticate(make_platform())  # a store platform: it sees every customer
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/orders/",
            {
                "customer": shop.customer.pk,
                "platform": "shopify",
                "external_number": "EX3000001",
                "currency": "EUR",
                "total": "49.90",
                "placed_at": ago(days=5).isoformat(),
            },
            format="json",
        )
    assert response.status_code == 201, response.json()

    shipment = Shipment.objects.get(tracking_number=NUMBER)
    assert shipment.order == Order.objects.get(external_number="EX3000001")
    assert shipment.status == "in_transit"
    delivery.refresh_from_db()
    assert delivery.state == "processed"


def test_a_delivery_is_matched_when_its_shipment_is_saved_by_any_path(
    webhook, shop, django_capture_on_commit_callbacks
):
    webhook("17track", _early_delivery(""))  # names no order: only the number can match it
    assert WebhookDelivery.objects.get().state == "unmatched"
    from logistics.models import Carrier

    with django_capture_on_commit_callbacks(execute=True):  # as the admin or a script saves it
        Shipment.objects.create(order=shop.seventeen_order, tracking_number=NUMBER, carrier=Carrier.objects.first())

    assert WebhookDelivery.objects.get().state == "processed"
    assert Shipment.objects.get().status == "in_transit"


def test_the_sweep_matches_what_no_hook_saw(webhook, shop, monkeypatch):
    webhook("17track", _early_delivery("EX3000002"))
    monkeypatch.setattr(tasks.match_order, "apply_async", lambda *a, **k: None)  # the message is lost
    Order.objects.create(
        customer=shop.customer,
        external_number="EX3000002",
        currency="EUR",
        total="10.00",
        placed_at=ago(days=4),
        platform="shopify",
    )
    assert WebhookDelivery.objects.get().state == "unmatched"

    assert tasks.match_unmatched_sweep() == 1
    assert WebhookDelivery.objects.get().state == "processed"
    assert Shipment.objects.get(tracking_number=NUMBER).order.external_number == "EX3000002"
