"""The same webhook delivered three times at once, to a real gunicorn with three workers: one stored
delivery, one set of tracking events, three 2xx answers. A worker processes what was stored."""

from __future__ import annotations

import importlib.util
import threading
from decimal import Decimal

import pytest
import requests

from tests.factories import OrderFactory

from .conftest import new_queue, running, wait_for, web_env, web_server, worker_command

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        importlib.util.find_spec("logistics.webhook_views") is None, reason="logistics webhooks have not landed"
    ),
]

BROKER_DB = 10


@pytest.mark.parametrize("name", ["aftership_delivered.json", "17track_delivered.json"])
def test_three_identical_deliveries_at_once_store_one_and_answer_2xx(name, actors, worker_env, tmp_path):
    from logistics.defaults import seed_defaults
    from logistics.models import Carrier, ExceptionRule, Shipment, TrackingEvent, WebhookDelivery
    from tests.logistics.helpers import URLS, fixture_body, sign, signature_headers

    seed_defaults(Carrier, ExceptionRule)
    number = "EX2000001" if name.startswith("aftership") else "EX2000002"
    OrderFactory(
        customer=actors.customer,
        external_number=number,
        ship_to_country="DE",
        currency="EUR",
        total=Decimal("200.00"),
        platform="shopify",
    )
    sender = "17track" if name.startswith("17track") else "aftership"
    body = fixture_body(name)
    headers = {
        key.removeprefix("HTTP_").replace("_", "-"): value
        for key, value in signature_headers(sender, sign(sender, body)).items()
    }
    headers["Content-Type"] = "application/json"
    queue = new_queue()
    env = {
        **web_env(worker_env),
        "DJANGO_SETTINGS_MODULE": "tests.faults.webhook_settings",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{BROKER_DB}",
        "CELERY_QUEUE": queue,
        "CACHE_URL": f"rediscache://127.0.0.1:6379/{BROKER_DB}",
    }
    with (
        web_server(env, tmp_path / "web.log", workers=3) as base,
        running(worker_command(queue, tmp_path, beat=False), env=env, log=tmp_path / "worker.log"),
    ):
        barrier = threading.Barrier(3)
        statuses: list[int] = []

        def deliver() -> None:
            barrier.wait(timeout=10)
            statuses.append(requests.post(base + URLS[sender], data=body, headers=headers, timeout=30).status_code)

        threads = [threading.Thread(target=deliver) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [200, 200, 202], statuses  # one stored it, two were told it is a repeat
        wait_for(lambda: TrackingEvent.objects.exists(), timeout=60, what="the worker to process the delivery")
        wait_for(lambda: not WebhookDelivery.objects.filter(state="received").exists(), timeout=60, what="processing")
    assert WebhookDelivery.objects.count() == 1
    shipment = Shipment.objects.get()
    assert shipment.events.count() == TrackingEvent.objects.count()
    assert shipment.status_changes.filter(new_status="delivered").count() == 1
