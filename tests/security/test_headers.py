"""Production settings and the headers every answer carries: `check --deploy` is clean, and under
production-like settings each kind of page (staff, API, public, survey, admin, errors, redirects,
downloads) has HSTS, a Content-Security-Policy with no inline script, nosniff, a referrer
policy and no framing."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from .conftest import sent_survey_link

pytestmark = pytest.mark.django_db

BASE = Path(django_settings.BASE_DIR)


def test_check_deploy_passes_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_"))}
    env.update(
        DEBUG="0",
        TESTING="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="helpdesk.example.com",
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0", "TESTING": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "helpdesk.example.com"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks HTTPS by secure=True instead
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def _csp(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _pages(actors, own, categories, link) -> list[tuple[str, object, str]]:
    """(what, who, url) for each kind of answer the project gives."""
    attachment = own.attachments.get()
    return [
        ("staff page", actors.l1, reverse("tickets:queue")),
        ("ticket page", actors.l1, reverse("tickets:detail", args=[own.pk])),
        ("htmx fragment", actors.l1, reverse("notifications_bell")),
        ("supervisor page", actors.supervisor, reverse("policies:queue")),
        ("reports", actors.supervisor, "/reports/"),
        ("API", actors.l1, "/api/v1/tickets/"),
        ("API error", actors.l1, "/api/v1/tickets/999999/"),
        ("API docs", actors.l1, reverse("api-docs")),
        ("download", actors.l1, reverse("tickets:attachment", args=[own.pk, attachment.token])),
        ("API download", actors.l1, f"/api/v1/attachments/{attachment.pk}/download/"),
        ("admin", actors.admin, reverse("admin:index")),
        ("public form", None, reverse("public:support")),
        ("survey", None, reverse("feedback:survey", args=[link])),
        ("bad survey link", None, reverse("feedback:survey", args=["nope"])),
        ("login", None, reverse("login")),
        ("redirect to login", None, reverse("tickets:queue")),
        ("not found", None, "/no-such-page/"),
        ("forbidden", actors.l1, reverse("policies:queue")),
        ("health", None, reverse("healthz")),
    ]


@pytest.fixture
def link(actors, categories):
    from tickets import services
    from tickets.models import Channel, Status

    ticket = services.ticket_create(customer=actors.customer, subject="s", body="b", channel=Channel.WEB)
    services.message_add_reply(ticket=ticket, author=actors.l1, body="done")
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    return sent_survey_link(ticket)[1]


def test_every_kind_of_answer_carries_the_security_headers(production, actors, own, categories, link):
    missing = []
    for what, user, url in _pages(actors, own, categories, link):
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url, secure=True)
        csp = _csp(response)
        script = csp.get("script-src", csp.get("default-src", []))
        checks = {
            "HSTS": response.get("Strict-Transport-Security", "").startswith("max-age=31536000"),
            "nosniff": response.get("X-Content-Type-Options") == "nosniff",
            "referrer": response.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"),
            "CSP": bool(csp),
            "script-src without inline or eval": bool(script)
            and not {"'unsafe-inline'", "'unsafe-eval'"} & {word.lower() for word in script},
            "object-src none": csp.get("object-src", csp.get("default-src")) == ["'none'"],
            "frame-ancestors none": csp.get("frame-ancestors") == ["'none'"],
            "X-Frame-Options": response.get("X-Frame-Options") == "DENY",
        }
        missing += [(what, response.status_code, name) for name, ok in checks.items() if not ok]
    assert missing == []


def test_plain_http_is_sent_to_https_and_session_cookies_never_travel_in_clear(production, actors):
    production.SECURE_SSL_REDIRECT = True
    client = Client()
    redirect = client.get(reverse("login"))
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")
    actors.l1.set_password("correct-horse-battery")
    actors.l1.save()
    client.get(reverse("login"), secure=True)
    response = client.post(reverse("login"), {"username": "l1", "password": "correct-horse-battery"}, secure=True)
    session, csrf = response.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    assert client.get(reverse("healthz")).status_code == 200  # the load balancer's probe stays on HTTP
