"""Attacks on compensation authority, through the API and the pages: approving one's own or
without the role, deciding twice, splitting an amount, racing three requests past the limit,
and amounts or currencies built to slip through. Each is refused with a clear error.

(tests/policies covers the same rules from the product's side: test_decisions, test_limits,
test_validation and test_concurrency; these are the attacker's view, through HTTP.)"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policies.models import CompensationGrant, CompensationRequest, DecisionLog, ExchangeRate
from tests.factories import OrderFactory, TicketFactory, make_staff

from .conftest import api_client

REQUESTS = "/api/v1/policies/requests/"


def _ask(user: Any, ticket: Any, amount: str, **fields: Any) -> Any:
    body = {"ticket": ticket.pk, "kind": "partial_refund", "reason": "late", "amount": amount, **fields}
    return api_client(user).post(REQUESTS, body, format="json")


def _decide(user: Any, request: Any, verb: str = "approve", comment: str = "ok") -> Any:
    return api_client(user).post(f"{REQUESTS}{request.pk}/{verb}/", {"comment": comment}, format="json")


@pytest.fixture
def usd_ticket(actors, teams):
    """A Europe ticket about a USD 500 order (USD needs no exchange rate)."""
    order = OrderFactory(customer=actors.customer, currency="USD", total=Decimal("500.00"))
    return TicketFactory(customer=actors.customer, team=teams.europe, order=order)


@pytest.mark.django_db
def test_a_supervisor_cannot_approve_their_own_request(actors, usd_ticket, usd_tiers):
    # given a supervisor's own request above their tier's limit
    created = _ask(actors.supervisor, usd_ticket, "150.00")
    request = CompensationRequest.objects.get(pk=created.json()["id"])
    assert request.state == "pending"
    # when they approve it through the API and through the page
    api = _decide(actors.supervisor, request)
    client = Client()
    client.force_login(actors.supervisor)
    page = client.post(reverse("policies:decide", args=[request.pk]), {"decision": "approved", "comment": "ok"})
    # then both are refused, the API saying why, and no money moves
    assert api.status_code == 403 and "own request" in api.json()["detail"]
    assert page.status_code == 403
    request.refresh_from_db()
    assert request.state == "pending" and not CompensationGrant.objects.filter(request=request).exists()


@pytest.mark.django_db
def test_an_agent_of_any_tier_cannot_approve_or_reject(actors, usd_ticket, usd_tiers):
    request = CompensationRequest.objects.get(pk=_ask(actors.l1, usd_ticket, "80.00").json()["id"])
    client = Client()
    client.force_login(actors.l3)
    for verb in ("approve", "reject"):
        answer = _decide(actors.l3, request, verb)
        assert answer.status_code == 403 and "supervisor" in answer.json()["detail"]
    page = client.post(reverse("policies:decide", args=[request.pk]), {"decision": "approved", "comment": "ok"})
    assert page.status_code == 403
    request.refresh_from_db()
    assert request.state == "pending" and not DecisionLog.objects.filter(request=request).exists()


@pytest.mark.django_db
def test_a_decided_request_cannot_be_decided_again(actors, usd_ticket, usd_tiers):
    request = CompensationRequest.objects.get(pk=_ask(actors.l1, usd_ticket, "80.00").json()["id"])
    assert _decide(actors.supervisor, request, "reject", "Too much").status_code == 200
    # when a second supervisor (or the same one) tries to turn it into an approval
    second = make_staff(team=usd_ticket.team, tier="L3", group="Supervisors", username="super-b")
    again = [_decide(second, request), _decide(actors.supervisor, request), _decide(second, request, "reject")]
    client = Client()
    client.force_login(second)
    page = client.post(
        reverse("policies:decide", args=[request.pk]), {"decision": "approved", "comment": "ok"}, follow=True
    )
    # then each is told it was already decided; the first decision stands alone
    assert [r.status_code for r in again] == [409, 409, 409]
    assert "already decided" in again[0].json()["detail"]
    assert "already decided" in page.content.decode()
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == ("rejected", actors.supervisor.pk)
    assert DecisionLog.objects.filter(request=request).count() == 1
    assert not CompensationGrant.objects.filter(request=request).exists()


@pytest.mark.django_db
def test_splitting_an_amount_into_small_requests_still_meets_the_limit(actors, usd_ticket, usd_tiers):
    # given an L1 agent (USD 50 on their own) who wants to give USD 120
    # when they ask three times for USD 40, the third time on another ticket about the same order
    other_ticket = TicketFactory(customer=usd_ticket.customer, team=usd_ticket.team, order=usd_ticket.order)
    answers = [_ask(actors.l1, ticket, "40.00") for ticket in (usd_ticket, usd_ticket, other_ticket)]
    # then only the first is within their authority; the rest wait for a supervisor, saying why
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.json()["state"] for a in answers] == ["approved", "pending", "pending"]
    assert all("over_limit" in a.json()["waiting_reasons"] for a in answers[1:])
    assert CompensationGrant.objects.filter(order=usd_ticket.order).count() == 1


@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_requests_cannot_pass_the_limit_together(actors, teams, usd_ticket):
    # given three L1 agents (USD 50 each on their own) and three tickets about one order
    tickets = [usd_ticket] + [
        TicketFactory(customer=usd_ticket.customer, team=teams.europe, order=usd_ticket.order) for _ in range(2)
    ]
    agents = [actors.l1] + [make_staff(team=teams.europe, tier="L1", username=f"l1-race-{n}") for n in range(2)]
    barrier = threading.Barrier(3)
    answers: list[Any] = [None] * 3

    def attack(index: int) -> None:
        try:
            client = Client()
            client.force_login(agents[index])
            body = {"ticket": tickets[index].pk, "kind": "partial_refund", "reason": "late", "amount": "40.00"}
            barrier.wait(timeout=10)
            answers[index] = client.post(REQUESTS, body, content_type="application/json")
        except Exception as error:  # inspected below
            answers[index] = error
        finally:
            connection.close()

    # when each sends USD 40 at the same moment (USD 120 together)
    threads = [threading.Thread(target=attack, args=(index,)) for index in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then one fits and is granted; the other two wait for a supervisor
    assert all(getattr(a, "status_code", None) == 201 for a in answers), answers
    assert sorted(a.json()["state"] for a in answers) == ["approved", "pending", "pending"]
    assert CompensationGrant.objects.count() == 1
    granted = CompensationRequest.objects.filter(state="approved").values_list("amount_usd", flat=True)
    assert sum(granted) <= Decimal("50.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount, message",
    [
        ("-10.00", "cannot be negative"),
        ("-0.01", "cannot be negative"),
        ("10.001", "at most 2 decimal places"),
        ("0.005", "at most 2 decimal places"),
        ("NaN", "such as 12.50"),
        ("Infinity", "such as 12.50"),
        ("1e400", "too large"),
        ("12,50", "such as 12.50"),
        ("0x20", "such as 12.50"),
        ("", "Enter the amount"),
    ],
)
def test_malformed_amounts_are_refused_with_a_clear_error(actors, usd_ticket, usd_tiers, amount, message):
    answer = _ask(actors.l1, usd_ticket, amount)
    assert answer.status_code == 400
    assert message in " ".join(answer.json().get("amount", answer.json().get("detail", [""])))
    assert not CompensationRequest.objects.exists()


@pytest.mark.django_db
def test_a_currency_without_minor_unit_refuses_fractions(actors, teams, usd_tiers):
    ExchangeRate.objects.create(currency="JPY", date=timezone.now().date(), units_per_usd=100)
    order = OrderFactory(customer=actors.customer, currency="JPY", total=Decimal("20000"))
    ticket = TicketFactory(customer=actors.customer, team=teams.europe, order=order)
    answer = _ask(actors.l1, ticket, "1000.5")
    assert answer.status_code == 400 and "JPY amounts have no decimal places" in answer.json()["amount"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("currency", ["XYZ", "US", "usd1", "€", "BTC"])
def test_an_unknown_currency_is_refused(actors, teams, usd_tiers, currency):
    ticket = TicketFactory(customer=actors.customer, team=teams.europe, order=None)
    answer = _ask(actors.l1, ticket, "10.00", currency=currency)
    assert answer.status_code == 400
    assert "currency" in answer.json()
    assert not CompensationRequest.objects.exists()


@pytest.mark.django_db
def test_a_request_in_another_currency_than_the_order_is_refused(actors, usd_ticket, usd_tiers):
    # a cheaper-looking currency would slip a larger amount under the USD limit
    answer = _ask(actors.l1, usd_ticket, "40.00", currency="JPY")
    assert answer.status_code == 400
    assert "USD" in answer.json()["currency"][0]
    assert not CompensationRequest.objects.exists()
