"""The review through the compensation tiers: within the agent's tier at once, above it by a supervisor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk.errors import Conflict
from policies.models import RequestState
from policies.services import compensation_request_decide
from returns import services
from returns.models import ReturnState
from tickets.models import OutboundEmail

from .conftest import ask

pytestmark = pytest.mark.django_db


def test_within_the_agents_tier_the_return_is_approved_at_once(actors, make_ticket):
    # EUR 40 = USD 50: a full refund within an L2 agent's USD 100
    ret = services.return_approve(ret=ask(make_ticket(), actors.l2), actor=actors.l2)
    assert ret.state == ReturnState.APPROVED
    assert ret.compensation.kind == "full_refund" and ret.compensation.state == RequestState.APPROVED
    assert ret.deadline is not None


def test_above_the_tier_the_return_waits_for_a_supervisor(actors, make_ticket):
    # EUR 100 = USD 125: above the L2 agent's limit
    ret = services.return_approve(ret=ask(make_ticket(total="100.00"), actors.l2), actor=actors.l2)
    assert ret.state == ReturnState.REQUESTED and ret.compensation.state == RequestState.PENDING
    # on the supervisors' 30-minute approval clock like any concession
    assert ret.compensation.escalate_at - ret.compensation.created_at == timedelta(minutes=30)
    assert not OutboundEmail.objects.filter(key=f"returns:{ret.pk}:approved").exists()
    with pytest.raises(Conflict, match="waiting for a supervisor"):
        services.return_approve(ret=ret, actor=actors.l2)
    # when the supervisor approves, the return is approved and the customer told
    compensation_request_decide(request=ret.compensation, actor=actors.supervisor, decision="approved", comment="ok")
    ret.refresh_from_db()
    assert ret.state == ReturnState.APPROVED
    assert OutboundEmail.objects.filter(key=f"returns:{ret.pk}:approved").exists()
    # and the customer is not told by the compensation app of a refund not yet paid
    assert not OutboundEmail.objects.filter(key=f"policies-approved:{ret.compensation_id}").exists()


def test_a_supervisors_rejection_rejects_the_return(actors, make_ticket):
    ret = services.return_approve(ret=ask(make_ticket(total="100.00"), actors.l2), actor=actors.l2)
    compensation_request_decide(
        request=ret.compensation, actor=actors.supervisor, decision="rejected", comment="Too late for this"
    )
    ret.refresh_from_db()
    assert ret.state == ReturnState.REJECTED
    assert ret.events.last().note == "Too late for this"


def test_a_kind_beyond_the_tier_waits_too(actors, make_ticket):
    # an L1 agent may not grant full refunds at all, however small
    ret = services.return_approve(ret=ask(make_ticket(total="10.00"), actors.l1), actor=actors.l1)
    assert ret.state == ReturnState.REQUESTED
    assert "kind_not_allowed" in ret.compensation.waiting_reasons
