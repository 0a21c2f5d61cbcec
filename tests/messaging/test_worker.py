"""A WhatsApp message stored by the endpoint becomes a ticket in a real Celery worker through the real Redis."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from helpdesk.celery import app
from messaging import tasks
from messaging.models import InboundEvent
from tests.integration.conftest import running, wait_for, worker_command
from tickets.models import Ticket

from . import payloads as p

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_a_real_worker_turns_a_stored_message_into_a_ticket(accounts, settings, monkeypatch, tmp_path):
    queue = f"test-messaging-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    send = tasks.process_event.apply_async
    monkeypatch.setattr(tasks.process_event, "apply_async", lambda *a, **k: send(*a, **{**k, "queue": queue}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(DATABASE_URL=_database_url(), PYTHONPATH=str(ROOT), TESTING="1", EMAIL_URL="smtp://127.0.0.1:1")
    body = p.wa_body(messages=[p.wa_text("wamid.worker", "Is anyone there?")])

    with running(worker_command(queue), env=env, log=tmp_path / "worker.log"):
        response = Client().post(
            "/webhooks/messaging/whatsapp/shop-wa/",
            body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=p.wa_sign(body),
        )
        assert response.status_code == 200
        wait_for(
            lambda: not InboundEvent.objects.filter(processed_at__isnull=True).exists(), timeout=60, what="the worker"
        )

    ticket = Ticket.objects.get()
    assert ticket.channel == "whatsapp" and ticket.messages.get(kind="customer").body == "Is anyone there?"
