"""Customer data: the aggregators send the customer's name, email and phone; the app keeps them
only inside the raw body (for investigation, purged after the retention), never in its own
columns, and shows no raw body in the admin. Nothing is sent to carriers or aggregators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from logistics.models import Shipment, ShipmentException, ShipmentStatusChange, TrackingEvent, WebhookDelivery
from logistics.services import deliveries_purge

from .helpers import SAMPLE_SIGNATURES, sample_body

pytestmark = pytest.mark.django_db

SENT_BY_AFTERSHIP = ["priya.shah@example.co.uk", "+447700900123", "Priya"]


def _everything_stored_outside_raw_bodies() -> str:
    rows = [
        *Shipment.objects.values(),
        *TrackingEvent.objects.values(),
        *ShipmentStatusChange.objects.values(),
        *ShipmentException.objects.values(),
        *WebhookDelivery.objects.values(
            "sender", "dedup_key", "event_type", "tracking_number", "carrier_code", "error"
        ),
    ]
    return repr(rows)


def test_the_customers_contact_details_sent_by_the_aggregator_are_not_copied(webhook, shop):
    with time_machine.travel(datetime(2026, 9, 2, tzinfo=UTC), tick=False):
        webhook("aftership", sample_body("aftership_delivered.json"), SAMPLE_SIGNATURES["aftership_delivered.json"])

    stored = _everything_stored_outside_raw_bodies()
    assert Shipment.objects.exists()
    for detail in SENT_BY_AFTERSHIP:
        assert detail not in stored


def test_raw_bodies_are_deleted_after_the_retention_and_the_tracking_stays(webhook, shop, settings):
    settings.LOGISTICS_WEBHOOK_RETENTION_DAYS = 30
    with time_machine.travel(datetime(2026, 9, 2, tzinfo=UTC), tick=False) as clock:
        webhook("aftership", sample_body("aftership_delivered.json"), SAMPLE_SIGNATURES["aftership_delivered.json"])
        clock.shift(timedelta(days=29))
        assert deliveries_purge() == 0
        clock.shift(timedelta(days=2))
        assert deliveries_purge() == 1

    assert not WebhookDelivery.objects.exists()
    assert TrackingEvent.objects.count() == 8
    assert Shipment.objects.get().status == "delivered"


def test_the_admin_does_not_show_a_raw_body(client, actors, webhook, shop):
    with time_machine.travel(datetime(2026, 9, 2, tzinfo=UTC), tick=False):
        webhook("aftership", sample_body("aftership_delivered.json"), SAMPLE_SIGNATURES["aftership_delivered.json"])
    client.force_login(actors.admin)
    delivery = WebhookDelivery.objects.get()

    page = client.get(f"/admin/logistics/webhookdelivery/{delivery.pk}/change/")

    assert page.status_code == 200
    assert "priya.shah@example.co.uk" not in page.content.decode()


@pytest.mark.parametrize("page", ["carrier", "exceptionrule", "shipment", "shipmentexception", "webhookdelivery"])
def test_the_admin_lists_open(client, actors, webhook, shop, page):
    with time_machine.travel(datetime(2026, 9, 2, tzinfo=UTC), tick=False):
        webhook("aftership", sample_body("aftership_delivered.json"), SAMPLE_SIGNATURES["aftership_delivered.json"])
    client.force_login(actors.admin)

    assert client.get(f"/admin/logistics/{page}/").status_code == 200


def test_the_admin_edits_a_rule_with_its_translated_customer_note(client, actors):
    from logistics.models import ExceptionRule

    rule = ExceptionRule.objects.get(kind="customs_held", destination_country="", service_type="")
    client.force_login(actors.admin)

    page = client.get(f"/admin/logistics/exceptionrule/{rule.pk}/change/").content.decode()

    assert "customer_note_de" in page and "customer_note_ja" in page
