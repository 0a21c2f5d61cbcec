"""Roles: anonymous visitors go to the login page; agents cannot open supervisor pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["policies:queue", "reports:dashboard"])
def test_anonymous_visitor_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url_name", ["policies:queue"])
def test_agent_cannot_open_supervisor_pages(client, actors, url_name):
    client.force_login(actors.l3)
    assert client.get(reverse(url_name)).status_code == 403


def test_agent_opens_the_reports_locked_to_their_own_figures(client, actors):
    client.force_login(actors.l3)
    response = client.get(reverse("reports:dashboard"), {"agent": actors.l1.pk})
    assert response.status_code == 200
    assert response.context["filters"].effective_agent_id == actors.l3.pk


@pytest.mark.parametrize("url_name", ["policies:queue", "reports:dashboard"])
def test_supervisor_opens_supervisor_pages(client, actors, url_name):
    client.force_login(actors.supervisor)
    assert client.get(reverse(url_name)).status_code == 200


def test_user_without_a_role_cannot_open_the_workspace(client, db):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password="pw")
    client.force_login(nobody)
    assert client.get(reverse("home")).status_code == 403


def test_api_requires_authentication(client, db):
    response = client.get("/api/v1/tickets/")
    assert response.status_code in (401, 403)


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_language_switch_is_remembered_on_the_agent_profile(client, actors):
    client.force_login(actors.l1)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/reports/"})
    assert response.status_code == 302 and response.url == "/reports/"
    actors.l1.agent_profile.refresh_from_db()
    assert actors.l1.agent_profile.ui_language == "zh-hans"


def test_language_switch_refuses_foreign_redirects(client, actors):
    client.force_login(actors.l1)
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.url == reverse("home")
