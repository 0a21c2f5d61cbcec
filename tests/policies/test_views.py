"""Pages: the approvals queue, deciding from it (plain POST and htmx), the request form and the panel."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from policies.models import DecisionLog, RequestState

from .conftest import ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "rates")]

QUEUE = "/approvals/"


def test_the_queue_shows_waiting_requests_oldest_first_with_context(client, actors, make_ticket, clock):
    # given two waiting requests and an earlier grant to the same customer
    from datetime import timedelta

    earlier = make_ticket(subject="Broken lamp")
    ask(actors.l1, earlier, amount="20.00")
    older = ask(actors.l1, make_ticket(subject="Late parcel"), amount="64.00")
    clock.shift(timedelta(minutes=7))
    newer = ask(actors.l2, make_ticket(subject="Wrong size"), amount="90.00")
    clock.shift(timedelta(minutes=5))

    client.force_login(actors.supervisor)
    page = client.get(QUEUE)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(f'id="approval-{older.pk}"') < html.index(f'id="approval-{newer.pk}"')
    assert "waiting 12\xa0minutes" in html and "waiting 5\xa0minutes" in html
    assert "Late parcel" in html and "Broken lamp" in html  # the ticket and the customer's other tickets
    assert "Compensation granted before: USD 25.00" in html
    assert "Above the agent&#x27;s limit" in html


def test_the_queue_runs_a_fixed_number_of_queries(client, actors, make_ticket):
    client.force_login(actors.supervisor)
    ask(actors.l1, make_ticket(), amount="64.00")
    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE)
    for _ in range(4):
        ask(actors.l1, make_ticket(), amount="64.00")
    with CaptureQueriesContext(connection) as five:
        assert client.get(QUEUE).content.decode().count('class="card approval"') == 5
    assert len(five) == len(one)


def test_agents_get_403_on_the_queue_and_when_deciding(client, actors, make_ticket):
    request = ask(actors.l1, make_ticket(), amount="64.00")
    for agent in (actors.l1, actors.l2, actors.l3):
        client.force_login(agent)
        assert client.get(QUEUE).status_code == 403
        url = reverse("policies:decide", args=[request.pk])
        assert client.post(url, {"decision": "approved", "comment": "x"}).status_code == 403
    assert not DecisionLog.objects.exists()


def test_a_supervisor_approves_from_the_queue_with_htmx(client, actors, make_ticket):
    request = ask(actors.l1, make_ticket(), amount="64.00")
    client.force_login(actors.supervisor)
    url = reverse("policies:decide", args=[request.pk])
    response = client.post(url, {"decision": "approved", "comment": "Long wait"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="decision-{request.pk}"' in response.content.decode() and "Approved" in response.content.decode()
    request.refresh_from_db()
    assert (request.state, request.decision_comment) == (RequestState.APPROVED, "Long wait")


def test_a_decision_without_reason_is_refused_and_a_second_decision_too(client, actors, make_ticket, second_supervisor):
    request = ask(actors.l1, make_ticket(), amount="64.00")
    url = reverse("policies:decide", args=[request.pk])
    client.force_login(actors.supervisor)
    box = client.post(url, {"decision": "approved", "comment": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "This field is required." in box
    assert client.post(url, {"decision": "rejected", "comment": "No proof", "next": QUEUE}).status_code == 302
    client.force_login(second_supervisor)
    box = client.post(url, {"decision": "approved", "comment": "Yes"}, HTTP_HX_REQUEST="true").content.decode()
    assert "already decided" in box
    assert DecisionLog.objects.get(request=request).decision == "rejected"


def test_an_own_request_shows_no_buttons_to_its_requester(client, actors, make_ticket):
    own = ask(actors.supervisor, make_ticket(), amount="100.00")
    client.force_login(actors.supervisor)
    html = client.get(QUEUE).content.decode()
    assert f'id="approval-{own.pk}"' in html
    assert "another supervisor decides it" in html
    assert reverse("policies:decide", args=[own.pk]) not in html


def test_the_request_form_creates_a_request(client, actors, make_ticket):
    ticket = make_ticket()
    client.force_login(actors.l1)
    url = reverse("policies:request_create", args=[ticket.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "partial_refund", "amount": "10.5", "reason": "late", "message_mode": "note"})
    assert response.status_code == 302
    assert ticket.compensation_requests.get().state == RequestState.APPROVED


def test_the_request_form_shows_field_errors(client, actors, make_ticket):
    ticket = make_ticket(currency="JPY", total="90000")
    client.force_login(actors.l1)
    url = reverse("policies:request_create", args=[ticket.pk])
    response = client.post(url, {"kind": "partial_refund", "amount": "10.5", "reason": "late", "message_mode": "note"})
    assert response.status_code == 422  # refused form, as on the ticket page
    assert "JPY amounts have no decimal places." in response.content.decode()
    assert not ticket.compensation_requests.exists()


def test_the_request_form_is_404_for_a_ticket_out_of_sight(client, actors, make_ticket):
    client.force_login(actors.other_team_agent)
    assert client.get(reverse("policies:request_create", args=[make_ticket().pk])).status_code == 404


def test_the_ticket_page_shows_the_compensation_panel(client, actors, make_ticket):
    try:
        url = reverse("tickets:detail", args=[make_ticket().pk])
    except NoReverseMatch:
        pytest.skip("the ticket page is not there yet")
    client.force_login(actors.l1)
    html = client.get(url).content.decode()
    assert 'id="panel-compensation-title"' in html
    assert "data-compensation-form" in html
