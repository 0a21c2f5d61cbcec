"""`make run` on a bare machine: SQLite, no Redis, and a demo agent can sign in over HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from pathlib import Path

import pytest
import requests
from websockets.sync.client import connect

from .conftest import PYTHON, free_port, running, wait_for

pytestmark = pytest.mark.integration


def _login_page(base: str) -> requests.Response | None:
    try:
        response = requests.get(f"{base}/accounts/login/", timeout=5)
    except (requests.ConnectionError, requests.Timeout):  # not listening yet, or its workers still booting
        return None
    return response if response.status_code == 200 else None


def test_make_run_serves_the_login_page_and_a_demo_agent_signs_in(tmp_path, worker_env):
    port = free_port()
    env = {k: v for k, v in worker_env.items() if k not in ("DATABASE_URL", "TESTING", "EMAIL_URL")}
    env.update(
        PORT=str(port),
        PYTHON=PYTHON,
        VENV=str(Path(PYTHON).parent.parent),  # the virtualenv running the tests
        DATABASE_URL=f"sqlite:///{tmp_path / 'quick.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens there: the filesystem broker is used
        CELERY_FILESYSTEM_DIR=str(tmp_path / "broker"),
        CELERY_BEAT_SCHEDULE=str(tmp_path / "celerybeat-schedule"),  # its own: a parallel run starts two
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "run.log"
    with running(["make", "--no-print-directory", "run", f"PYTHON={PYTHON}"], env=env, log=log):
        try:
            page = wait_for(lambda: _login_page(base), timeout=240, what="the login page")
        except AssertionError:
            print(log.read_text()[-5000:])
            raise
        session = requests.Session()
        page = session.get(f"{base}/accounts/login/", timeout=5)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "the login form carries a CSRF token"
        response = session.post(
            f"{base}/accounts/login/",
            data={"username": "anna", "password": "demo", "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.url.startswith(f"{base}/queue"), response.url
        assert "Anna Keller" in response.text
        assert "filesystem broker" in log.read_text()

        # The same server speaks websocket: the queue page's live socket accepts the signed-in agent.
        stream = re.search(r'data-live-streams="(user:\d+)', response.text).group(1)
        cookie = f"sessionid={session.cookies['sessionid']}"
        with connect(f"ws://127.0.0.1:{port}/ws/live/", additional_headers={"Cookie": cookie, "Origin": base}) as ws:
            ws.send(json.dumps({"subscribe": stream, "after": 0}))
            answer = json.loads(ws.recv(timeout=10))
            while "subscribed" not in answer:
                answer = json.loads(ws.recv(timeout=10))
        assert answer["stream"] == stream

        # A tracking aggregator posts a signed sample delivery with chunked transfer encoding (no
        # Content-Length): the quick start's server reads it whole, and the signature holds.
        sample = Path(__file__).resolve().parents[2] / "docs" / "samples" / "aftership_in_transit.json"
        body = sample.read_bytes()
        signature = base64.b64encode(hmac.new(b"test_aftership_webhook_secret", body, hashlib.sha256).digest())
        response = requests.post(
            f"{base}/webhooks/aftership/",
            data=iter([body[:100], body[100:]]),  # a generator body: requests sends it chunked
            headers={"Content-Type": "application/json", "aftership-hmac-sha256": signature.decode()},
            timeout=10,
        )
        assert response.request.headers.get("Transfer-Encoding") == "chunked"
        assert "Content-Length" not in response.request.headers
        assert response.status_code == 202, response.text
