"""Races on real, separate database connections: one decision per request, and the limit holds
for simultaneous requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from helpdesk.errors import Conflict
from policies import services
from policies.models import CompensationGrant, CompensationRequest, DecisionLog, RequestState
from tests.concurrency import run_together
from tests.factories import make_staff

from .conftest import ask

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_supervisors_deciding_at_once_make_one_decision_and_one_payout(actors, rates, make_ticket):
    # given a request waiting for a supervisor, and two supervisors of the team
    from helpdesk import roles

    other = make_staff(team=actors.l1.agent_profile.team, tier="L3", group=roles.SUPERVISOR_GROUP, username="s2")
    request = ask(actors.l1, make_ticket(), amount="64.00")
    assert request.state == RequestState.PENDING

    # when both approve it at the same moment
    def approve(supervisor: Any) -> Callable[[], Any]:
        return lambda: services.compensation_request_decide(
            request=CompensationRequest.objects.get(pk=request.pk),
            actor=supervisor,
            decision="approved",
            comment=f"approved by {supervisor.username}",
        )

    results = run_together([approve(actors.supervisor), approve(other)])

    # then exactly one succeeded, the other was told it was decided meanwhile
    assert sorted(type(r).__name__ for r in results) == ["CompensationRequest", "Conflict"]
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert DecisionLog.objects.filter(request_id=request.pk).count() == 1
    assert CompensationGrant.objects.filter(request_id=request.pk).count() == 1
    assert request.ticket.events.filter(kind="compensation_approved").count() == 1


def test_three_simultaneous_requests_never_pass_the_limit_together(actors, rates, make_ticket):
    # given three tickets about one order, and three L1 agents
    from tests.factories import TicketFactory

    first = make_ticket()
    tickets = [first] + [
        TicketFactory(customer=actors.customer, team=first.team, order=first.order, language="de") for _ in range(2)
    ]
    agents = [actors.l1] + [make_staff(team=first.team, tier="L1", username=f"l1-{n}") for n in range(2)]

    # when each asks for USD 40 (EUR 32) at the same moment: USD 120 together, L1's limit is USD 50
    def asking(agent: Any, ticket: Any) -> Callable[[], Any]:
        return lambda: ask(agent, ticket, amount="32.00")

    results = run_together([asking(agent, ticket) for agent, ticket in zip(agents, tickets, strict=True)])

    # then only one fits and is approved at once; the others wait for a supervisor
    assert all(isinstance(r, CompensationRequest) for r in results), results
    assert sorted(r.state for r in results) == ["approved", "pending", "pending"]
    assert CompensationGrant.objects.count() == 1
