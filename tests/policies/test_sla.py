"""The 30-minute approval SLA: a reminder at 20 minutes, escalation at 30, each once however many sweeps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk import roles
from policies import services
from policies.models import CompensationRequest
from policies.tasks import sweep_approvals
from tests.factories import make_staff
from tickets.models import OutboundEmail, TicketEvent
from workspace.models import Notification

from .conftest import START, ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "rates")]


@pytest.fixture
def people(actors, teams):
    """Besides the Europe supervisor: a supervisor of another team."""
    actors.us_supervisor = make_staff(team=teams.america, tier="L3", group=roles.SUPERVISOR_GROUP, username="us-super")
    return actors


def notices(key_prefix: str) -> set[str]:
    return set(Notification.objects.filter(key__startswith=key_prefix).values_list("user__username", flat=True))


def sweep_many(times: int = 3) -> list[int]:
    return [services.approvals_sweep() for _ in range(times)]


def test_reminder_at_20_minutes_then_escalation_at_30_each_once(people, make_ticket, clock):
    # given an L1 agent's request waiting since 09:00
    request = ask(people.l1, make_ticket(), amount="64.00")
    key = f"policies:{{}}:{request.pk}"

    # when the sweeps run before 20 minutes: nothing
    clock.move_to(START + timedelta(minutes=19, seconds=59))
    assert sweep_many() == [0, 0, 0]
    assert not notices("policies:remind")

    # at 20 minutes: the team's supervisors are reminded, once however many sweeps
    clock.move_to(START + timedelta(minutes=20))
    assert sweep_many() == [1, 0, 0]
    assert notices(key.format("remind")) == {"super"}
    reminder_emails = OutboundEmail.objects.filter(key__startswith=f"policies-remind:{request.pk}:")
    assert list(reminder_emails.values_list("to", flat=True)) == [people.supervisor.email]
    clock.move_to(START + timedelta(minutes=29))
    assert sweep_many() == [0, 0, 0]

    # at 30 minutes: escalated to every supervisor and admin, once
    clock.move_to(START + timedelta(minutes=30))
    assert sweep_many() == [1, 0, 0]
    assert notices(key.format("escalate")) == {"super", "us-super", "admin"}
    clock.move_to(START + timedelta(hours=3))
    assert sweep_many() == [0, 0, 0]

    request.refresh_from_db()
    assert request.reminded_at == START + timedelta(minutes=20)
    assert request.escalated_at == START + timedelta(minutes=30)
    assert request.sla_due_at is None
    assert OutboundEmail.objects.filter(key__startswith=f"policies-remind:{request.pk}:").count() == 1
    assert OutboundEmail.objects.filter(key__startswith=f"policies-escalate:{request.pk}:").count() == 3
    assert list(
        TicketEvent.objects.filter(
            ticket=request.ticket, kind__in=["compensation_reminder", "compensation_escalated"]
        ).values_list("kind", flat=True)
    ) == ["compensation_reminder", "compensation_escalated"]


def test_a_late_first_sweep_reminds_and_escalates_at_once(people, make_ticket, clock):
    request = ask(people.l1, make_ticket(), amount="64.00")
    clock.move_to(START + timedelta(minutes=45))
    assert sweep_approvals.delay().get() == 1  # the beat task, run eagerly
    request.refresh_from_db()
    assert request.reminded_at and request.escalated_at
    assert sweep_approvals.delay().get() == 0


def test_a_decided_request_is_not_chased(people, make_ticket, clock):
    request = ask(people.l1, make_ticket(), amount="64.00")
    services.compensation_request_decide(request=request, actor=people.supervisor, decision="approved", comment="fine")
    clock.move_to(START + timedelta(hours=1))
    assert services.approvals_sweep() == 0
    assert not notices("policies:remind") and not notices("policies:escalate")


def test_the_requesting_supervisor_is_not_reminded_of_their_own_request(people, make_ticket, clock):
    request = ask(people.supervisor, make_ticket(), amount="100.00")
    clock.move_to(START + timedelta(minutes=31))
    services.approvals_sweep()
    assert notices(f"policies:remind:{request.pk}") == set()  # the team has no other supervisor
    assert notices(f"policies:escalate:{request.pk}") == {"us-super", "admin"}


def test_the_sweep_reads_a_partial_index_over_pending_requests(people, make_ticket, clock):
    index_names = {index.name for index in CompensationRequest._meta.indexes}
    assert "comp_pending_sla_due" in index_names
    index = next(i for i in CompensationRequest._meta.indexes if i.name == "comp_pending_sla_due")
    assert index.condition is not None and index.fields == ["sla_due_at"]
