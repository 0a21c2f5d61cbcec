"""Races on real, separate database connections: two sweeps send each invitation once, two
submits of the same survey leave one response."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from feedback import services
from feedback.models import CareFollowUp, InvitationState, SurveyInvitation, SurveyResponse
from tests.concurrency import run_together
from tickets.models import OutboundEmail
from workspace.models import Notification

from .conftest import customer_in
from .helpers import civil_zone_now

pytestmark = pytest.mark.django_db(transaction=True)


def due_invitations(solve, count: int) -> list[int]:
    """`count` solved tickets whose survey is due now, for customers at a civil hour right now."""
    zone = civil_zone_now()
    ids = []
    for index in range(count):
        ticket = solve(customer_in(zone, email=f"race{index}@example.com"), reply="")
        ids.append(SurveyInvitation.objects.get(ticket=ticket).pk)
    SurveyInvitation.objects.filter(pk__in=ids).update(due_at=timezone.now() - timedelta(minutes=1))
    return ids


def test_two_sweeps_at_once_send_each_invitation_exactly_once(solve):
    ids = due_invitations(solve, 30)
    mail.outbox.clear()

    def sweep() -> list[int]:
        sent: list[int] = []
        while batch := services.invitations_send_due(limit=4):
            sent.extend(batch)
        return sent

    results = run_together([sweep, sweep])
    assert not [r for r in results if isinstance(r, Exception)], results
    sent = results[0] + results[1]
    assert sorted(sent) == sorted(ids)  # every invitation once, none twice
    assert set(SurveyInvitation.objects.filter(pk__in=ids).values_list("state", flat=True)) == {InvitationState.SENT}
    assert OutboundEmail.objects.filter(key__startswith="feedback-survey:").count() == len(ids)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"race{i}@example.com" for i in range(30))


def test_two_submits_at_once_leave_one_response_and_one_follow_up(solve):
    (invitation_id,) = due_invitations(solve, 1)
    services.invitations_send_due()
    invitation = SurveyInvitation.objects.get(pk=invitation_id)

    results = run_together(
        [
            lambda: services.survey_respond(invitation=invitation, rating=1, comment="first"),
            lambda: services.survey_respond(invitation=invitation, rating=2, comment="second"),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    response = SurveyResponse.objects.get()
    assert response.answers == 2 and response.rating in (1, 2)
    assert CareFollowUp.objects.count() == 1
    assert Notification.objects.filter(key__startswith="feedback-care:").count() == 1
