"""Error pages speak the viewer's language in the product's layout, not Django's bare English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tickets.models import AgentProfile

pytestmark = pytest.mark.django_db


def _in_chinese(user):
    AgentProfile.objects.filter(user=user).update(ui_language="zh-hans")


def test_403_is_translated_and_in_the_layout(client, actors):
    _in_chinese(actors.l1)
    client.force_login(actors.l1)
    response = client.get(reverse("policies:queue"))  # supervisors only
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>403 Forbidden</h1>" not in html
    assert "您无权打开此页面" in html
    assert 'class="topbar"' in html  # the agent keeps the navigation
    assert reverse("tickets:queue") in html


def test_403_in_english(client, actors):
    client.force_login(actors.l1)
    response = client.get(reverse("policies:queue"))
    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


def test_404_is_translated(client, actors):
    _in_chinese(actors.l1)
    client.force_login(actors.l1)
    response = client.get("/no-such-page/here/")
    assert response.status_code == 404
    assert "找不到此页面" in response.content.decode()


def test_500_and_400_pages_render_without_a_request_context():
    from django.template.loader import get_template
    from django.utils import translation

    for name, words in (("500.html", "Something went wrong"), ("400.html", "could not be understood")):
        with translation.override("en"):
            html = get_template(name).render()
        assert words in html
