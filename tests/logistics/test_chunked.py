"""Webhook bodies are read to the size limit whatever the transfer encoding: a signed body sent in
chunks (no Content-Length) is accepted, a chunked body over the limit is refused, and the signature
is checked on the bytes as received. Shown through the test client as a chunk-decoding WSGI server
hands the body over, and through the production server itself (gunicorn) with a real chunked POST."""

from __future__ import annotations

import http.client
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from logistics.models import WebhookDelivery

from .helpers import AFTERSHIP_SECRET, SEVENTEENTRACK_KEY, fixture_body, sign, signature_headers

ROOT = Path(__file__).resolve().parents[2]


def _chunked_post(client, sender: str, body: bytes, signature: str):
    """What Django gets from gunicorn for a chunked request: no CONTENT_LENGTH, the decoded body in
    wsgi.input, and the promise that the stream ends with it."""
    url = {"aftership": "/webhooks/aftership/", "17track": "/webhooks/17track/"}[sender]
    return client.generic(
        "POST",
        url,
        b"",
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True},
        **signature_headers(sender, signature),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sender", "name"), [("aftership", "aftership_customs.json"), ("17track", "17track_customs.json")]
)
def test_a_signed_chunked_webhook_is_accepted(client, shop, sender, name):
    body = fixture_body(name)
    response = _chunked_post(client, sender, body, sign(sender, body))

    assert response.status_code == 202, response.content
    assert bytes(WebhookDelivery.objects.get().body) == body


@pytest.mark.django_db
def test_a_chunked_body_over_the_limit_is_refused_and_nothing_stored(client, settings):
    settings.LOGISTICS_WEBHOOK_MAX_BYTES = 1000
    body = fixture_body("aftership_customs.json")
    assert len(body) > 1000

    response = _chunked_post(client, "aftership", body, sign("aftership", body))

    assert response.status_code == 413
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_a_chunked_body_with_a_wrong_signature_is_still_refused(client):
    body = fixture_body("aftership_customs.json")
    assert _chunked_post(client, "aftership", body, sign("aftership", body + b" ")).status_code == 401


# --- through the production server --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(transactional_db, settings) -> Iterator[int]:
    """gunicorn serving the project on loopback, on this test's database."""
    port = _free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "AFTERSHIP_WEBHOOK_SECRETS": AFTERSHIP_SECRET,
        "SEVENTEENTRACK_API_KEYS": SEVENTEENTRACK_KEY,
        "LOGISTICS_WEBHOOK_MAX_BYTES": "12000",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "TESTING": "1",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "helpdesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def _send_chunked(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    chunks = iter([body[i : i + 700] for i in range(0, len(body), 700)])
    conn.request("POST", path, body=chunks, headers={"Content-Type": "application/json", **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def test_gunicorn_accepts_a_signed_chunked_webhook_and_refuses_an_oversize_one(gunicorn):
    body = fixture_body("17track_customs.json")
    assert 12000 > len(body) > 700  # sent in several chunks, under the limit
    status = _send_chunked(gunicorn, "/webhooks/17track/", body, {"sign": sign("17track", body)})
    assert status == 202
    assert bytes(WebhookDelivery.objects.get().body) == body

    big = fixture_body("17track_delivered.json")
    assert len(big) > 12000
    status = _send_chunked(gunicorn, "/webhooks/17track/", big, {"sign": sign("17track", big)})
    assert status == 413
    assert WebhookDelivery.objects.count() == 1
