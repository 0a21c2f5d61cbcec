"""Rows as the other apps' services leave them, for figures computed by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from feedback.models import InvitationState, SurveyInvitation, SurveyResponse
from policies.models import CompensationGrant, CompensationRequest
from tickets.models import Ticket


def grant(ticket: Ticket, kind: str, usd: str, *, by: Any, at: datetime) -> CompensationGrant:
    amount = Decimal(usd)
    request = CompensationRequest.objects.create(
        ticket=ticket,
        customer=ticket.customer,
        requested_by=by,
        requester_tier="L2",
        kind=kind,
        reason="late",
        currency="USD",
        amount=amount,
        rate=Decimal(1),
        rate_date=at.date(),
        amount_usd=amount,
        state="approved",
        created_at=at,
        decided_by=by,
        decided_at=at,
    )
    return CompensationGrant.objects.create(
        request=request,
        ticket=ticket,
        customer=ticket.customer,
        kind=kind,
        currency="USD",
        amount=amount,
        amount_usd=amount,
        created_at=at,
    )


def rate(ticket: Ticket, rating: int, *, agent: Any) -> SurveyResponse:
    from django.utils import timezone

    now = timezone.now()
    invitation = SurveyInvitation.objects.create(
        ticket=ticket,
        solved_at=now - timedelta(hours=1),
        due_at=now,
        sent_at=now,
        state=InvitationState.SENT,
        agent=agent,
        team=ticket.team,
        category=ticket.category,
        language="en",
    )
    return SurveyResponse.objects.create(
        invitation=invitation, ticket=ticket, rating=rating, agent=agent, team=ticket.team, language="en"
    )
