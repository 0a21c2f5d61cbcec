"""How stored deliveries get processed: batches, the wake-up of the drain task, failures kept on
their delivery while the others go through, and the sweep that covers lost messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from logistics import tasks
from logistics.models import Shipment, WebhookDelivery
from logistics.services import deliveries_drain, deliveries_process_batch, processing_wake
from logistics.services.processing import _slot_key

from .helpers import aftership_single, fixture_body, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]  # time stands at NOW

NOW = datetime(2026, 10, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock_start() -> datetime:
    return NOW


def _store_without_processing(client, monkeypatch, *bodies: tuple[str, bytes]) -> None:
    monkeypatch.setattr(tasks.process_deliveries, "apply_async", lambda *a, **k: None)
    for sender, body in bodies:
        assert post(client, sender, body).status_code == 202


def test_one_batch_processes_deliveries_of_several_parcels_and_one_new_shipment_once(client, shop, monkeypatch):
    _store_without_processing(
        client,
        monkeypatch,
        ("aftership", fixture_body("aftership_in_transit.json")),
        ("aftership", fixture_body("aftership_customs.json")),  # same new parcel, in the same batch
        ("17track", fixture_body("17track_in_transit.json")),
    )

    assert deliveries_process_batch(limit=50) == 3

    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"processed"}
    assert Shipment.objects.count() == 2
    aftership = Shipment.objects.get(tracking_number="YT2627400000000019")
    assert (aftership.status, aftership.events.count()) == ("customs", 5)
    assert set(WebhookDelivery.objects.values_list("shipment_id", flat=True)) == set(
        Shipment.objects.values_list("pk", flat=True)
    )


def test_a_delivery_that_fails_is_kept_with_its_error_and_the_rest_of_its_batch_goes_through(client, shop, monkeypatch):
    _store_without_processing(
        client,
        monkeypatch,
        ("aftership", fixture_body("aftership_in_transit.json")),
        ("17track", fixture_body("17track_in_transit.json")),
    )
    broken = WebhookDelivery.objects.get(sender="17track")
    WebhookDelivery.objects.filter(pk=broken.pk).update(body=b'{"event": "TRACKING_UPDATED", "data": []}')

    deliveries_process_batch(limit=50)

    states = dict(WebhookDelivery.objects.values_list("sender", "state"))
    assert states == {"aftership": "processed", "17track": "received"}  # retried by the sweep, up to 5 times
    broken.refresh_from_db()
    assert broken.attempts == 1 and "data: expected an object" in broken.error


def test_the_drain_releases_its_slot_so_the_next_delivery_wakes_a_new_one(
    client, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "aftership", fixture_body("aftership_in_transit.json"))

    assert cache.get(_slot_key(0)) is None and cache.get(_slot_key(1)) is None
    assert WebhookDelivery.objects.get().state == "processed"


def test_while_a_drain_is_awake_no_second_task_is_sent_and_its_last_look_finds_the_delivery(client, shop, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.process_deliveries, "apply_async", lambda *a, **k: sent.append(k))
    for slot in (0, 1):
        cache.add(_slot_key(slot), 1, timeout=30)  # both drains are running

    post(client, "aftership", fixture_body("aftership_in_transit.json"))
    assert sent == []

    assert deliveries_drain(slot=0) == 1  # the running drain's last look, after releasing its slot
    assert WebhookDelivery.objects.get().state == "processed"
    assert cache.get(_slot_key(0)) is None


def test_without_the_wake_up_key_store_a_drain_is_still_woken(monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.process_deliveries, "apply_async", lambda *a, **k: sent.append(k["args"]))

    def cache_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", cache_down)
    with django_capture_on_commit_callbacks(execute=True):
        processing_wake(delivery_id=7)

    assert sent == [(1,)]  # delivery 7 belongs to slot 7 % 2


def test_the_sweep_processes_what_a_lost_wake_up_left_waiting(client, shop, monkeypatch, clock):
    _store_without_processing(
        client,
        monkeypatch,
        *[
            ("aftership", aftership_single(f"YT26274000000002{i:02d}", "yunexpress", "2026-10-08T10:00:00+02:00"))
            for i in range(120)
        ],
    )

    clock.shift(timedelta(minutes=1))
    assert tasks.process_waiting_deliveries() == 120

    assert WebhookDelivery.objects.filter(state="processed").count() == 120
    assert Shipment.objects.count() == 120
    assert tasks.process_waiting_deliveries() == 0
