"""The returns panel on the ticket page, its steps by post, and the returns report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from returns import services
from returns.models import ReturnRequest, ReturnState

from .conftest import ask

pytestmark = pytest.mark.django_db


def test_an_agent_requests_a_return_on_the_ticket_and_approves_it(client, actors, make_ticket):
    ticket = make_ticket()
    client.force_login(actors.l2)
    page = client.get(ticket.get_absolute_url())
    assert "Request a return or exchange" in page.content.decode()
    response = client.post(
        reverse("returns:request", args=[ticket.pk]),
        {"return-kind": "return", "return-reason": "no_reason", "return-items": "TS-42 2\nCAP-1"},
        follow=True,
    )
    ret = ReturnRequest.objects.get(ticket=ticket)
    assert ret.items == [{"sku": "TS-42", "quantity": 2}, {"sku": "CAP-1", "quantity": 1}]
    assert f"Return {ret.reference} requested." in response.content.decode()
    response = client.post(reverse("returns:step", args=[ret.pk, "approve"]), follow=True)
    ret.refresh_from_db()
    assert ret.state == ReturnState.APPROVED
    html = response.content.decode()
    assert 'data-step="label"' in html and 'data-step="receive"' not in html


def test_an_illegal_step_by_post_is_refused_with_its_reason(client, actors, make_ticket):
    ret = ask(make_ticket(), actors.l2)
    client.force_login(actors.l2)
    response = client.post(reverse("returns:step", args=[ret.pk, "refund"]), follow=True)
    assert "nothing is paid or reshipped before the parcel is received" in response.content.decode()
    ret.refresh_from_db()
    assert ret.state == ReturnState.REQUESTED


def test_an_agent_of_another_team_gets_not_found(client, actors, make_ticket):
    ret = ask(make_ticket(), actors.l2)
    client.force_login(actors.other_team_agent)
    assert client.post(reverse("returns:step", args=[ret.pk, "approve"])).status_code == 404


def test_the_report_shows_rates_by_reason_sku_country_carrier_and_the_time_to_refund(
    client, actors, make_ticket, carrier, address, clock
):
    ret = services.return_approve(ret=ask(make_ticket(), actors.l2), actor=actors.l2)
    ret = services.return_send_label(
        ret=ret, actor=actors.l2, tracking_number="RET5555555", carrier=carrier, label_url="https://c.test/l"
    )
    ret = services.return_receive(ret=ret, actor=actors.l2)
    ret = services.return_inspect(ret=ret, actor=actors.l2, passed=True)
    clock.shift(timedelta(hours=2))
    services.return_refund(ret=ret, actor=actors.l2)
    client.force_login(actors.admin)
    day = timezone.now().date()
    response = client.get(
        reverse("reports:returns"), {"date_from": (day - timedelta(days=30)).isoformat(), "date_to": day.isoformat()}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "No reason (changed their mind)" in html and "TS-42" in html and "Germany" in html
    assert "2 h" in html or "2 hours" in html or "2:00" in html, html[html.find("fig-refund_time") :][:1500]


def test_return_addresses_are_kept_in_the_admin_and_returns_shown_read_only(client, actors, make_ticket):
    ret = ask(make_ticket(), actors.l2)
    client.force_login(actors.admin)
    response = client.post(
        reverse("admin:returns_returnaddress_add"),
        {"country": "FR", "name": "Centre de retours", "address": "1 rue du Port\n75001 Paris"},
    )
    assert response.status_code == 302
    page = client.get(reverse("admin:returns_returnrequest_change", args=[ret.pk]))
    assert page.status_code == 200 and "TS-42" in page.content.decode()
    assert client.get(reverse("admin:returns_returnrequest_add")).status_code == 403
