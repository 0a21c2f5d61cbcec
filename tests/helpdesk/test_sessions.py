"""Sessions are read with a prepared statement: the same answers as Django's database sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from helpdesk.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_stored_session_is_read_back():
    store = SessionStore()
    store["colour"] = "teal"
    store.create()

    assert SessionStore(store.session_key)["colour"] == "teal"


def test_an_expired_or_unknown_session_reads_empty_and_gets_a_new_key_when_saved():
    store = SessionStore()
    store["colour"] = "teal"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    expired = SessionStore(store.session_key)
    unknown = SessionStore("x" * 32)

    assert dict(expired.items()) == {} and dict(unknown.items()) == {}
    unknown["colour"] = "red"
    unknown.save()
    assert unknown.session_key != "x" * 32


def test_a_signed_in_agent_stays_signed_in_and_logout_ends_the_session(client, actors):
    client.force_login(actors.l1)
    key = client.session.session_key

    assert client.get(reverse("tickets:queue")).status_code == 200
    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("tickets:queue")).status_code == 302


@pytest.mark.parametrize(
    "old_backend", ["django.contrib.auth.backends.ModelBackend", "helpdesk.auth_backend.HelpdeskBackend"]
)
def test_an_agent_signed_in_before_the_backend_changed_stays_signed_in(client, actors, settings, old_backend):
    """Sessions from before HelpdeskBackend name Django's ModelBackend, and those from before it moved
    to the tickets app its old path: still the agent's session."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = SessionStore()
    store.update(
        {
            SESSION_KEY: str(actors.l1.pk),
            BACKEND_SESSION_KEY: old_backend,
            HASH_SESSION_KEY: actors.l1.get_session_auth_hash(),
        }
    )
    store.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key

    response = client.get(reverse("tickets:queue"))

    assert response.status_code == 200 and response.wsgi_request.user == actors.l1
    assert old_backend not in settings.AUTHENTICATION_BACKENDS
