"""The channel health page: per account the last event, the last error and the failures, for
supervisors and admins only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from . import payloads as p

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_supervisors_see_each_accounts_last_event_errors_and_failures(client, post, accounts, actors, clock):
    body = p.wa_body(messages=[p.wa_text("wamid.1", "Hi")])
    post("whatsapp", "shop-wa", body, p.wa_sign(body))
    clock.shift(timedelta(minutes=5))
    broken = b"{oops"
    post("line", "shop-line", broken, p.line_sign(broken))
    client.force_login(actors.supervisor)

    page = client.get("/messaging/health/").content.decode()

    wa_row = page[page.index('id="account-shop-wa"') :].split("</tr>")[0]
    line_row = page[page.index('id="account-shop-line"') :].split("</tr>")[0]
    assert 'datetime="2026-03-02T16:00:00+08:00"' in wa_row  # the viewer's time zone
    assert "none yet" in line_row and "refused delivery: The body is not valid JSON" in line_row
    assert "<td>1</td>" in line_row  # one refused delivery


def test_agents_may_not_see_the_health_page(client, accounts, actors):
    client.force_login(actors.l1)

    assert client.get("/messaging/health/").status_code == 403
