"""The keyboard shortcuts' help overlay: on every workspace page, translated, a dialog, no inline script."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_the_overlay_lists_the_shortcuts_in_the_agents_language_on_the_queue_and_ticket_pages(client, actors, teams):
    ticket = TicketFactory(team=teams.europe)
    actors.l1.agent_profile.ui_language = "zh-hans"
    actors.l1.agent_profile.save()
    client.force_login(actors.l1)

    for url in (reverse("tickets:queue"), reverse("tickets:detail", args=[ticket.pk])):
        page = client.get(url, headers={"Accept-Language": "zh-hans"}).content.decode()

        dialog = re.search(r'<dialog id="shortcuts-help".*?</dialog>', page, re.S).group(0)
        assert 'aria-labelledby="shortcuts-title"' in dialog and "键盘快捷键" in dialog
        assert "<kbd>?</kbd>" in dialog and "<kbd>]</kbd>" in dialog
        assert '<script src="/static/js/shortcuts.js' in page
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script (CSP)


def test_signed_out_visitors_get_no_overlay(client, db):
    page = client.get(reverse("login")).content.decode()

    assert "shortcuts-help" not in page
