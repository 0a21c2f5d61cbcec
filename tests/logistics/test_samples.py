"""The shared samples, read byte for byte and signed as in their README, through the real endpoint."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from logistics.models import Shipment, ShipmentStatusChange, TrackingEvent, WebhookDelivery

from .helpers import SAMPLE_SIGNATURES, sample_body, sender_of

pytestmark = pytest.mark.django_db

AFTER_ALL_SAMPLES = datetime(2026, 9, 14, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(AFTER_ALL_SAMPLES, tick=False):
        yield


def _post_sample(webhook, name: str):
    return webhook(sender_of(name), sample_body(name), SAMPLE_SIGNATURES[name])


@pytest.mark.parametrize("name", sorted(SAMPLE_SIGNATURES))
def test_each_sample_with_its_published_signature_is_accepted_and_stored_as_received(webhook, shop, name):
    response = _post_sample(webhook, name)

    assert response.status_code == 202, response.content
    delivery = WebhookDelivery.objects.get()
    assert bytes(delivery.body) == sample_body(name)
    assert delivery.state == WebhookDelivery.State.PROCESSED
    assert delivery.shipment.order == shop.sample_orders[name]


def test_aftership_in_transit_sample_gives_the_shipment_and_its_timeline(webhook, shop):
    _post_sample(webhook, "aftership_in_transit.json")

    shipment = Shipment.objects.select_related("carrier").get()
    assert shipment.order == shop.sample_orders["aftership_in_transit.json"]
    assert shipment.tracking_number == "YT2625318840217743"
    assert shipment.carrier.aftership_slug == "yunexpress"
    assert (shipment.status, shipment.sub_status) == ("in_transit", "arrived_destination")
    assert shipment.destination_country == "US"
    assert shipment.service_type == "dedicated_line"  # "Global Direct Line"
    assert shipment.expected_delivery == date(2026, 9, 17)
    assert shipment.shipped_at == datetime(2026, 9, 9, 10, 40, tzinfo=UTC)
    assert shipment.last_event_at == datetime(2026, 9, 12, 13, 48, tzinfo=UTC)
    events = list(shipment.events.order_by("occurred_at"))
    assert [e.status for e in events] == ["info_received", "in_transit", "in_transit", "in_transit"]
    # The instant in UTC, the carrier's local offset kept: 06:48 at -07:00 in Los Angeles.
    assert events[-1].occurred_at == datetime(2026, 9, 12, 13, 48, tzinfo=UTC)
    assert events[-1].utc_offset_minutes == -7 * 60
    assert events[-1].local_time.strftime("%Y-%m-%d %H:%M %z") == "2026-09-12 06:48 -0700"
    assert events[0].utc_offset_minutes == 8 * 60
    assert events[-1].location == "Los Angeles, CA, United States"


def test_seventeentrack_delivered_sample_marks_the_parcel_and_the_order_delivered(webhook, shop):
    _post_sample(webhook, "17track_delivered.json")

    shipment = Shipment.objects.select_related("carrier", "order").get()
    assert shipment.tracking_number == "4821937056"
    assert shipment.carrier.name == "DHL Express"
    assert shipment.service_type == "express"
    assert shipment.status == "delivered"
    assert shipment.delivered_at == datetime(2026, 9, 4, 11, 26, tzinfo=UTC)
    assert shipment.customs_released_at == datetime(2026, 9, 3, 17, 47, tzinfo=UTC)
    assert shipment.events.count() == 7
    assert shipment.order.delivered_at == datetime(2026, 9, 4, 11, 26, tzinfo=UTC)
    assert not shipment.exceptions.exists()


def test_seventeentrack_in_transit_sample(webhook, shop):
    _post_sample(webhook, "17track_in_transit.json")

    shipment = Shipment.objects.select_related("carrier").get()
    assert (shipment.tracking_number, shipment.carrier.seventeentrack_code) == ("LZ204817360CN", 3011)
    assert (shipment.status, shipment.sub_status) == ("in_transit", "departed")
    assert shipment.service_type == "postal"  # ePacket
    assert shipment.destination_country == "US"
    assert shipment.events.count() == 4


def test_aftership_delivered_sample(webhook, shop):
    _post_sample(webhook, "aftership_delivered.json")

    shipment = Shipment.objects.get()
    assert shipment.status == "delivered"
    assert shipment.destination_country == "GB"
    assert shipment.events.count() == 8
    assert shipment.customs_released_at == datetime(2026, 8, 29, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize("name", sorted(SAMPLE_SIGNATURES))
def test_the_same_sample_posted_again_changes_nothing(webhook, shop, name):
    _post_sample(webhook, name)
    before = (
        list(WebhookDelivery.objects.values_list("pk", "state", "processed_at")),
        list(TrackingEvent.objects.values_list("pk", flat=True)),
        list(Shipment.objects.values()),
        ShipmentStatusChange.objects.count(),
    )

    again = _post_sample(webhook, name)

    assert again.status_code == 200
    assert again.json() == {"status": "duplicate"}
    after = (
        list(WebhookDelivery.objects.values_list("pk", "state", "processed_at")),
        list(TrackingEvent.objects.values_list("pk", flat=True)),
        list(Shipment.objects.values()),
        ShipmentStatusChange.objects.count(),
    )
    assert after == before


@pytest.mark.parametrize("name", sorted(SAMPLE_SIGNATURES))
@pytest.mark.parametrize("position", [0, "middle", -1])
def test_a_one_byte_change_to_a_sample_is_refused_and_nothing_is_stored(webhook, shop, name, position):
    body = bytearray(sample_body(name))
    index = len(body) // 2 if position == "middle" else position
    body[index] = body[index] ^ 0x01

    response = _post_sample_bytes(webhook, name, bytes(body))

    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()
    assert not Shipment.objects.exists()


def _post_sample_bytes(webhook, name: str, body: bytes):
    return webhook(sender_of(name), body, SAMPLE_SIGNATURES[name])


@pytest.mark.parametrize("name", sorted(SAMPLE_SIGNATURES))
def test_a_missing_or_foreign_signature_is_refused(webhook, shop, name):
    sender = sender_of(name)
    other = "aftership_delivered.json" if name != "aftership_delivered.json" else "aftership_in_transit.json"
    if sender == "17track":
        other = "17track_delivered.json" if name != "17track_delivered.json" else "17track_in_transit.json"

    missing = webhook(sender, sample_body(name), "")
    foreign = webhook(sender, sample_body(name), SAMPLE_SIGNATURES[other])

    assert (missing.status_code, foreign.status_code) == (401, 401)
    assert not WebhookDelivery.objects.exists()
