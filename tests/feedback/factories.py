"""factory-boy factories of the feedback app."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from feedback.models import InvitationState, SurveyInvitation


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    """An invitation sent when it was due, a day after its ticket was solved, for that ticket's team."""

    class Meta:
        model = SurveyInvitation

    ticket = factory.SubFactory("tests.tickets.factories.TicketFactory")
    due_at = factory.LazyFunction(timezone.now)
    solved_at = factory.LazyAttribute(lambda i: i.due_at - timedelta(days=1))
    sent_at = factory.LazyAttribute(lambda i: i.due_at)
    expires_at = factory.LazyAttribute(lambda i: i.sent_at + timedelta(days=14) if i.sent_at else None)
    state = InvitationState.SENT
    team = factory.LazyAttribute(lambda i: i.ticket.team)
    language = "en"
