"""The REST API: same services, same rules; 403 for agents deciding, 409 for decided requests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policies.models import DecisionLog

from .conftest import ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "rates")]

URL = "/api/v1/policies/requests/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_agent_creates_a_request_within_their_limit(actors, make_ticket):
    ticket = make_ticket()
    response = client_for(actors.l1).post(
        URL, {"ticket": ticket.pk, "kind": "partial_refund", "amount": "40.00", "reason": "late"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["amount"], body["amount_usd"], body["currency"]) == (
        "approved",
        "40.000",
        "50.00",
        "EUR",
    )
    assert body["rate"] == "0.8000000000"


def test_bad_input_gets_field_messages(actors, make_ticket):
    ticket = make_ticket(currency="JPY", total="90000")
    response = client_for(actors.l1).post(
        URL, {"ticket": ticket.pk, "kind": "partial_refund", "amount": "10.5", "reason": "late"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"amount": ["JPY amounts have no decimal places."]}
    response = client_for(actors.l1).post(URL, {"ticket": ticket.pk, "kind": "bribe"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()


def test_a_ticket_out_of_sight_is_not_found(actors, make_ticket):
    response = client_for(actors.other_team_agent).post(
        URL, {"ticket": make_ticket().pk, "kind": "partial_refund", "amount": "1", "reason": "late"}, format="json"
    )
    assert response.status_code == 404


def test_the_list_holds_only_what_the_user_may_see(actors, make_ticket):
    mine = ask(actors.l1, make_ticket(), amount="10")
    assert [r["id"] for r in client_for(actors.l2).get(URL).json()["results"]] == [mine.pk]  # same team
    assert client_for(actors.other_team_agent).get(URL).json()["results"] == []
    assert client_for(actors.other_team_agent).get(f"{URL}{mine.pk}/").status_code == 404
    assert client_for(actors.admin).get(f"{URL}{mine.pk}/").json()["id"] == mine.pk


def test_the_list_runs_a_fixed_number_of_queries(actors, make_ticket):
    ask(actors.l1, make_ticket(), amount="10")
    client = client_for(actors.supervisor)
    client.get(URL)  # warm the user's permission cache
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for _ in range(4):
        ask(actors.l1, make_ticket(), amount="60")
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(URL).json()["results"]) == 5
    assert len(five) == len(one)


def test_a_supervisor_approves_and_a_second_decision_is_a_conflict(actors, make_ticket, second_supervisor):
    request = ask(actors.l1, make_ticket(), amount="64.00")
    response = client_for(actors.supervisor).post(f"{URL}{request.pk}/approve/", {"comment": "OK"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    assert response.json()["decided_by"] == "super"
    again = client_for(second_supervisor).post(f"{URL}{request.pk}/reject/", {"comment": "No"}, format="json")
    assert again.status_code == 409
    assert DecisionLog.objects.filter(request=request).count() == 1


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_agents_deciding_get_403(actors, make_ticket, action):
    request = ask(actors.l1, make_ticket(), amount="64.00")
    for agent in (actors.l1, actors.l2, actors.l3):
        response = client_for(agent).post(f"{URL}{request.pk}/{action}/", {"comment": "mine"}, format="json")
        assert response.status_code == 403
    assert not DecisionLog.objects.filter(request=request).exists()


def test_self_approval_is_403_and_a_missing_reason_400(actors, make_ticket, second_supervisor):
    own = ask(actors.supervisor, make_ticket(), amount="100.00")
    assert client_for(actors.supervisor).post(f"{URL}{own.pk}/approve/", {"comment": "me"}).status_code == 403
    response = client_for(second_supervisor).post(f"{URL}{own.pk}/approve/", {"comment": " "}, format="json")
    assert response.status_code == 400


def test_anonymous_callers_are_refused(make_ticket):
    assert APIClient().get(URL).status_code in (401, 403)
