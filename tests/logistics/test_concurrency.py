"""Races really run at once: each thread has its own database connection and closes it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client

from logistics import tasks
from logistics.models import Shipment, ShipmentException, TrackingEvent, WebhookDelivery
from logistics.services import exception_act
from tickets.models import OutboundEmail, Ticket

from .helpers import aftership_single, fixture_body, post

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 10, 9, 12, 0, tzinfo=UTC)


def run_at_once(work: Callable[[], Any], count: int) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def thread(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("name", ["aftership_delivered.json", "17track_delivered.json"])
def test_three_identical_deliveries_at_once_store_one_and_all_get_2xx(shop, name):
    sender = "17track" if name.startswith("17track") else "aftership"
    body = fixture_body(name)

    responses = run_at_once(lambda: post(Client(), sender, body), 3)

    statuses = sorted(r.status_code for r in responses)
    assert all(200 <= s < 300 for s in statuses)
    assert statuses == [200, 200, 202]  # one stored it; the others were told it is a repeat
    assert WebhookDelivery.objects.count() == 1
    shipment = Shipment.objects.get()
    assert shipment.events.count() == 8
    assert TrackingEvent.objects.count() == 8
    assert shipment.status == "delivered"
    assert shipment.status_changes.filter(new_status="delivered").count() == 1


@time_machine.travel(NOW, tick=False)
def test_different_deliveries_of_one_parcel_at_once_end_on_the_latest_status(shop):
    names = ["aftership_in_transit.json", "aftership_customs.json", "aftership_delivered.json"]
    bodies = iter([fixture_body(n) for n in names])
    lock = threading.Lock()

    def deliver() -> Any:
        with lock:
            body = next(bodies)
        return post(Client(), "aftership", body)

    responses = run_at_once(deliver, 3)

    assert sorted(r.status_code for r in responses) == [202, 202, 202]
    shipment = Shipment.objects.get()  # one shipment although all three arrived before it existed
    assert shipment.status == "delivered"
    assert shipment.events.count() == 8


@time_machine.travel(NOW, tick=False)
def test_exceptions_of_two_parcels_of_one_order_acted_on_at_once_open_one_ticket(shop, monkeypatch):
    monkeypatch.setattr(tasks.act_on_exception, "apply_async", lambda *a, **k: None)  # act by hand below
    for number in ("YT2627400000000019", "YT2627400000000027"):
        body = aftership_single(
            number,
            "yunexpress",
            (NOW - timedelta(hours=1)).isoformat(),
            tag="Exception",
            subtag="Exception_013",
            message="Parcel lost",
        )
        post(Client(), "aftership", body)
    ids = list(ShipmentException.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 2
    queue = iter(ids)
    lock = threading.Lock()

    def act() -> bool:
        with lock:
            pk = next(queue)
        return exception_act(exception_id=pk)

    # Whichever acts first takes the order's whole trouble; the other finds it done.
    assert sorted(run_at_once(act, 2)) == [False, True]

    tickets = Ticket.objects.filter(order=shop.aftership_order)
    assert tickets.count() == 1
    assert OutboundEmail.objects.filter(key__startswith="logistics-notice:").count() == 1
    assert set(ShipmentException.objects.values_list("ticket_id", flat=True)) == {tickets.get().pk}


@time_machine.travel(NOW, tick=False)
def test_the_same_exception_acted_on_by_two_workers_at_once_is_acted_on_once(shop, monkeypatch):
    monkeypatch.setattr(tasks.act_on_exception, "apply_async", lambda *a, **k: None)
    body = aftership_single(
        "YT2627400000000019",
        "yunexpress",
        (NOW - timedelta(hours=1)).isoformat(),
        tag="Exception",
        subtag="Exception_013",
        message="Parcel lost",
    )
    post(Client(), "aftership", body)
    pk = ShipmentException.objects.get().pk

    results = run_at_once(lambda: exception_act(exception_id=pk), 2)

    assert sorted(results) == [False, True]
    assert Ticket.objects.count() == 1


def test_two_deliveries_of_one_trouble_processed_at_once_by_two_workers_give_one_notice(shop, monkeypatch):
    from .test_episodes import _customs_from_17track, _customs_from_aftership

    monkeypatch.setattr(tasks.process_deliveries, "apply_async", lambda *a, **k: None)  # stored, not yet processed
    post(Client(), "17track", _customs_from_17track())
    post(Client(), "aftership", _customs_from_aftership())
    ids = list(WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 2
    queue = iter(ids)
    lock = threading.Lock()

    def process() -> str:
        with lock:
            pk = next(queue)
        return tasks.process_delivery(pk)

    assert run_at_once(process, 2) == ["processed", "processed"]

    assert OutboundEmail.objects.filter(key__startswith="logistics-notice:", to=shop.customer.email).count() == 1
    assert Ticket.objects.filter(order=shop.seventeen_order).count() == 1
