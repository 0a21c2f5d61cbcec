"""A webhook stored by the endpoint is processed by a real Celery worker through the real Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from contextlib import suppress
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from helpdesk.celery import app
from logistics import tasks
from logistics.models import Shipment, WebhookDelivery
from tests.integration.conftest import worker_command

from .helpers import fixture_body, post

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_a_real_worker_processes_what_the_endpoint_stored(shop, settings, monkeypatch, tmp_path):
    queue = f"test-logistics-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    send = tasks.process_deliveries.apply_async
    monkeypatch.setattr(tasks.process_deliveries, "apply_async", lambda *a, **k: send(*a, **{**k, "queue": queue}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(DATABASE_URL=_database_url(), PYTHONPATH=str(ROOT), TESTING="1", EMAIL_URL="smtp://127.0.0.1:1")
    command = worker_command(queue)
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        for name in ("aftership_in_transit.json", "aftership_customs.json", "aftership_delivered.json"):
            assert post(Client(), "aftership", fixture_body(name)).status_code == 202
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not WebhookDelivery.objects.exclude(state="processed").exists():
                break
            time.sleep(0.2)
        else:
            print(log.read_text())
            raise AssertionError("the worker did not process the deliveries in 60 s")
    finally:
        with suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)

    shipment = Shipment.objects.get()
    assert shipment.status == "delivered"
    assert shipment.events.count() == 8
