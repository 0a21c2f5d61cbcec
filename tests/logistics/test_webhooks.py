"""Both webhook formats through the real endpoint: what each delivery does, order independence,
refusals (401, 400, 413), secret rotation, unknown numbers matched later, lost broker messages."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from logistics.models import Shipment, TrackingEvent, WebhookDelivery
from logistics.services import deliveries_process_waiting

from .helpers import (
    AFTERSHIP_SECRET,
    SAMPLE_SIGNATURES,
    aftership_with,
    checkpoint,
    dump,
    fixture_body,
    fixture_json,
    sample_json,
    sender_of,
    sign,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]  # time stands at NOW

NOW = datetime(2026, 10, 9, 12, 0, tzinfo=UTC)

EXPECTED = {
    "aftership_in_transit.json": ("in_transit", "departed", 3),
    "aftership_customs.json": ("customs", "customs_started", 5),
    "aftership_customs_documents.json": ("customs", "customs_documents", 6),
    "aftership_exception.json": ("exception", "returning", 7),
    "aftership_delivered.json": ("delivered", "", 8),
    "aftership_expired.json": ("expired", "", 4),  # AfterShip's "Expired" verdict counts as one more event
    "17track_in_transit.json": ("in_transit", "departed", 3),
    "17track_customs.json": ("customs", "customs_started", 5),
    "17track_customs_information.json": ("customs", "customs_documents", 6),
    "17track_exception.json": ("exception", "returning", 7),
    "17track_delivered.json": ("delivered", "", 8),
    "17track_unknown_sub_status.json": ("in_transit", "", 3),
}
FORWARD = {
    "aftership": ["aftership_in_transit.json", "aftership_customs.json", "aftership_delivered.json"],
    "17track": ["17track_in_transit.json", "17track_customs.json", "17track_delivered.json"],
}


@pytest.fixture
def clock_start() -> datetime:
    return NOW


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_gives_the_normalised_status_and_its_events(webhook, shop, name):
    response = webhook(sender_of(name), fixture_body(name))

    assert response.status_code == 202, response.content
    shipment = Shipment.objects.get()
    status, sub_status, events = EXPECTED[name]
    assert (shipment.status, shipment.sub_status) == (status, sub_status)
    assert shipment.events.count() == events
    assert shipment.destination_country == "DE"
    expected_order = shop.aftership_order if name.startswith("aftership") else shop.seventeen_order
    assert shipment.order == expected_order


def test_an_unknown_sub_status_counts_as_its_main_status_and_is_logged_not_refused(webhook, shop, caplog):
    from logistics import mapping

    mapping._reported.clear()
    with caplog.at_level(logging.WARNING, logger="logistics.mapping"):
        response = webhook("17track", fixture_body("17track_unknown_sub_status.json"))

    assert response.status_code == 202
    event = TrackingEvent.objects.get(raw_sub_status="InTransit_HandedToAirline")
    assert (event.status, event.sub_status) == ("in_transit", "")
    assert "InTransit_HandedToAirline" in caplog.text


def test_a_stopped_17track_delivery_keeps_the_status_and_notes_that_tracking_stopped(webhook, shop):
    webhook("17track", fixture_body("17track_in_transit.json"))

    response = webhook("17track", fixture_body("17track_stopped.json"))

    assert response.status_code == 202
    shipment = Shipment.objects.get()
    assert shipment.status == "in_transit"
    assert shipment.tracking_stopped_at == NOW
    assert WebhookDelivery.objects.filter(state="processed").count() == 2


@pytest.mark.parametrize("sender", ["aftership", "17track"])
def test_deliveries_in_reverse_order_leave_the_same_latest_status(webhook, shop, sender):
    for name in reversed(FORWARD[sender]):
        webhook(sender, fixture_body(name))
    reverse = Shipment.objects.get()
    reverse_state = (
        reverse.status,
        reverse.sub_status,
        reverse.last_event_at,
        reverse.delivered_at,
        reverse.customs_started_at,
        reverse.customs_released_at,
        reverse.events.count(),
    )
    changes = list(reverse.status_changes.values_list("new_status", flat=True))
    Shipment.objects.all().delete()
    WebhookDelivery.objects.all().delete()

    for name in FORWARD[sender]:
        webhook(sender, fixture_body(name))
    forward = Shipment.objects.get()
    forward_state = (
        forward.status,
        forward.sub_status,
        forward.last_event_at,
        forward.delivered_at,
        forward.customs_started_at,
        forward.customs_released_at,
        forward.events.count(),
    )

    assert reverse_state == forward_state
    assert forward.status == "delivered"
    assert changes == ["pending", "delivered"]  # the older deliveries changed nothing once delivered was known


@pytest.mark.parametrize("name", ["aftership_delivered.json", "aftership_in_transit.json"])
def test_sample_checkpoints_sent_one_per_delivery_newest_first_give_the_same_status(webhook, shop, name):
    """Each checkpoint of a shared sample as its own delivery (re-signed with the test secret)."""
    data = sample_json(name)
    checkpoints = data["msg"]["checkpoints"]
    bodies = []
    for i, point in enumerate(checkpoints):
        single = json.loads(json.dumps(data))
        single["event_id"] = f"{data['event_id']}-{i}"
        single["msg"]["checkpoints"] = [point]
        single["msg"]["tag"], single["msg"]["subtag"] = point["tag"], point["subtag"]
        bodies.append(dump(single))

    for body in reversed(bodies):
        webhook("aftership", body)

    shipment = Shipment.objects.get()
    assert shipment.status == checkpoints[-1]["tag"].replace("InTransit", "in_transit").replace(
        "Delivered", "delivered"
    )
    assert shipment.events.count() == len(checkpoints)
    assert shipment.last_event_at == max(e.occurred_at for e in shipment.events.all())


def test_the_same_17track_content_with_other_white_space_is_a_repeat(webhook, shop):
    body = fixture_body("17track_customs.json")
    compact = json.dumps(json.loads(body), separators=(",", ":")).encode()

    first, second = webhook("17track", body), webhook("17track", compact)

    assert (first.status_code, second.status_code) == (202, 200)
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "body: expected an object"),
        (b'{"event": "tracking_update", "msg": {}}', "event_id"),
        (b'{"event": "tracking_update", "event_id": "e1", "msg": {"slug": "dhl"}}', "msg.tracking_number"),
        (b'{"event": "tracking_update", "event_id": "e1", "msg": {"tracking_number": "!!"}}', "msg.tracking_number"),
    ],
)
def test_malformed_aftership_bodies_get_400_with_the_reason_and_nothing_is_stored(webhook, body, reason):
    response = webhook("aftership", body)

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not WebhookDelivery.objects.exists()


def test_a_checkpoint_without_a_readable_time_is_named_in_the_400(webhook, shop):
    data = fixture_json("aftership_customs.json")
    data["msg"]["checkpoints"][2]["checkpoint_time"] = "yesterday"

    response = webhook("aftership", dump(data))

    assert response.status_code == 400
    assert response.json()["error"] == "msg.checkpoints[2].checkpoint_time: not an ISO 8601 time"
    assert not Shipment.objects.exists()


def _first_event(data: dict) -> dict:
    return data["data"]["track_info"]["tracking"]["providers"][0]["events"][0]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d["data"].pop("number"), "data.number"),
        (lambda d: d["data"].pop("track_info"), "data.track_info"),
        (lambda d: d["data"].update(carrier="DHL"), "data.carrier"),
        (lambda d: _first_event(d).update(time_utc=None, time_iso=None), "events[0].time_utc: missing"),
        (lambda d: _first_event(d).update(time_utc="2026-13-45T99:00:00Z"), "not an ISO 8601 time"),
    ],
)
def test_malformed_17track_bodies_get_400_with_the_reason(webhook, mutate, reason):
    data = fixture_json("17track_customs.json")
    mutate(data)

    response = webhook("17track", dump(data))

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not WebhookDelivery.objects.exists()


def test_a_body_over_the_limit_gets_413_and_nothing_is_stored(webhook, settings):
    settings.LOGISTICS_WEBHOOK_MAX_BYTES = 4096
    body = fixture_body("aftership_delivered.json")
    assert len(body) > 4096

    response = webhook("aftership", body)

    assert response.status_code == 413
    assert not WebhookDelivery.objects.exists()


def test_during_a_rotation_both_secrets_are_accepted_and_the_retired_one_is_refused_after(webhook, shop, settings):
    settings.AFTERSHIP_WEBHOOK_SECRETS = ["new_secret_2026", AFTERSHIP_SECRET]
    old = webhook("aftership", fixture_body("aftership_in_transit.json"))
    new = webhook(
        "aftership",
        fixture_body("aftership_customs.json"),
        sign("aftership", fixture_body("aftership_customs.json"), "new_secret_2026"),
    )
    settings.AFTERSHIP_WEBHOOK_SECRETS = ["new_secret_2026"]
    retired = webhook("aftership", fixture_body("aftership_delivered.json"))

    assert (old.status_code, new.status_code, retired.status_code) == (202, 202, 401)
    assert sorted(WebhookDelivery.objects.values_list("signature_key", flat=True)) == [0, 1]


def test_with_no_secret_configured_every_delivery_is_refused(webhook, settings):
    settings.SEVENTEENTRACK_API_KEYS = []

    response = webhook("17track", fixture_body("17track_in_transit.json"))

    assert response.status_code == 401


def test_only_post_is_accepted(client):
    assert client.get("/webhooks/aftership/").status_code == 405


def test_an_event_that_is_not_a_tracking_update_is_acknowledged_and_ignored(webhook, shop):
    body = dump({"event": "tracking_deleted", "event_id": "3b1f", "msg": {"id": "x"}})

    response = webhook("aftership", body)

    assert response.status_code == 202
    assert WebhookDelivery.objects.get().state == "ignored"
    assert not Shipment.objects.exists()


def test_an_unknown_number_is_kept_and_matched_when_an_agent_adds_the_shipment(
    webhook, actors, teams, categories, django_capture_on_commit_callbacks
):
    from logistics.services import shipment_add
    from tests.factories import OrderFactory, TicketFactory

    response = webhook("aftership", fixture_body("aftership_customs.json"))  # names no known order
    assert response.status_code == 202
    assert WebhookDelivery.objects.get().state == "unmatched"
    assert not Shipment.objects.exists()

    order = OrderFactory(customer=actors.customer, external_number="OTHER-1")
    ticket = TicketFactory(customer=actors.customer, team=teams.europe, order=order, category=categories.logistics)
    with django_capture_on_commit_callbacks(execute=True):
        shipment = shipment_add(ticket=ticket, actor=actors.l1, tracking_number="yt 2627-4000 0000 0019")

    shipment.refresh_from_db()
    assert (shipment.status, shipment.sub_status) == ("customs", "customs_started")
    assert shipment.events.count() == 5
    assert WebhookDelivery.objects.get().state == "processed"


def test_a_lost_broker_message_delays_processing_until_the_sweep_but_loses_nothing(webhook, shop, monkeypatch, clock):
    from logistics import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.process_deliveries, "apply_async", broker_down)
    response = webhook("aftership", fixture_body("aftership_delivered.json"))
    assert response.status_code == 202
    assert WebhookDelivery.objects.get().state == "received"
    assert not Shipment.objects.exists()

    clock.shift(timedelta(seconds=20))
    assert deliveries_process_waiting() == 0  # still within the grace its own task would have had
    clock.shift(timedelta(seconds=40))
    assert deliveries_process_waiting() == 1

    assert Shipment.objects.get().status == "delivered"
    assert deliveries_process_waiting() == 0  # a second sweep finds nothing to do


def test_a_failing_delivery_is_kept_with_its_error_and_given_up_after_five_attempts(shop, monkeypatch):
    from logistics.services import delivery_process, processing

    body = fixture_body("aftership_delivered.json")
    delivery = WebhookDelivery.objects.create(
        sender="aftership", dedup_key="event:x", body=body, tracking_number="YT2627400000000019", received_at=NOW
    )

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(processing, "shipment_apply_update", broken)
    results = [delivery_process(delivery_id=delivery.pk) for _ in range(6)]

    delivery.refresh_from_db()
    assert results == ["failed"] * 5 + ["skipped"]
    assert delivery.state == "failed"
    assert "database hiccup" in delivery.error
    assert not TrackingEvent.objects.exists()


def test_sample_signatures_are_the_ones_published(shop):
    for name, signature in SAMPLE_SIGNATURES.items():
        from .helpers import sample_body

        body = sample_body(name)
        secret = None
        assert sign(sender_of(name), body, secret) == signature


def test_checkpoint_helper_builds_a_valid_body(webhook, shop):
    body = aftership_with(
        "aftership_customs.json",
        checkpoint("2026-10-05T10:00:00+02:00", "Exception", "Exception_013", "Parcel lost"),
        tag="Exception",
        subtag="Exception_013",
        event_id="lost-1",
    )
    assert webhook("aftership", body).status_code == 202
    assert Shipment.objects.get().sub_status == "lost"
