"""Answering a survey: resolving a link, telling whether it still takes answers, recording one."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from tickets.models import Ticket
from tickets.redaction import redact

from .. import conf, tokens
from ..models import InvitationState, SurveyInvitation, SurveyResponse
from .care import care_open
from .cases import case_set_rating
from .invitations import invitation_copies, is_archived

MAX_COMMENT_CHARS = 4000


class SurveyState(Enum):
    OPEN = "open"
    EXPIRED = "expired"
    ARCHIVED = "archived"


class SurveyClosed(ServiceError):
    """The survey no longer takes answers (expired, replaced, or the ticket is archived)."""


def invitation_for_link(link_token: str) -> SurveyInvitation | None:
    """The sent invitation a link stands for, or None when the token is unknown or tampered with."""
    digest = tokens.hash_from_link(link_token)
    if digest is None:
        return None
    return (
        SurveyInvitation.objects.select_related("ticket__customer", "response")
        .filter(token_hash=digest, sent_at__isnull=False)
        .first()
    )


def survey_state(invitation: SurveyInvitation, now: datetime | None = None) -> SurveyState:
    now = now or timezone.now()
    if is_archived(invitation.ticket, now):
        return SurveyState.ARCHIVED
    if invitation.state == InvitationState.CANCELLED or invitation.expires_at is None or now >= invitation.expires_at:
        return SurveyState.EXPIRED
    return SurveyState.OPEN


@transaction.atomic
def survey_respond(*, invitation: SurveyInvitation, rating: int, comment: str = "") -> SurveyResponse:
    """Record the customer's answer, or change it: one response per invitation, whatever the
    number of submits (the invitation row is locked while answering). A rating of 1 or 2 opens
    a customer-care follow-up for the team's supervisors."""
    if rating not in range(1, 6):
        raise ServiceError(_("Choose a rating from 1 to 5."), field="rating")
    comment = redact((comment or "").replace("\r\n", "\n").strip())  # a card number never kept
    if len(comment) > MAX_COMMENT_CHARS:
        raise ServiceError(_("The comment is too long."), field="comment")
    invitation = SurveyInvitation.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=invitation.pk)
    if survey_state(invitation) is not SurveyState.OPEN:
        raise SurveyClosed(_("This survey is closed."))
    response = SurveyResponse.objects.filter(invitation=invitation).first()
    if response is None:
        response = SurveyResponse.objects.create(
            invitation=invitation,
            ticket_id=invitation.ticket_id,
            rating=rating,
            comment=comment,
            agent_id=invitation.agent_id,
            team_id=invitation.team_id,
            language=invitation.language,
            country=invitation.country,
        )
    else:
        response.rating = rating
        response.comment = comment
        response.answers += 1
        response.save(update_fields=["rating", "comment", "answers", "updated_at"])
    if response.is_low:
        care_open(response=response)
    case_set_rating(ticket_id=invitation.ticket_id, rating=rating)
    return response


@transaction.atomic
def survey_respond_in_place(*, ticket: Ticket, rating: int, comment: str = "") -> SurveyResponse:
    """A rating given where the conversation happened (the chat widget, as it ends), with no email in
    between: it answers the survey of the ticket's latest solve, or one opened for it now when the
    ticket is not solved. A survey still waiting to be emailed is marked sent, so it never goes."""
    now = timezone.now()
    invitation = (
        SurveyInvitation.objects.select_for_update()
        .filter(ticket=ticket)
        .exclude(state=InvitationState.CANCELLED)
        .order_by("-solved_at")
        .first()
    )
    if invitation is None:
        invitation = SurveyInvitation.objects.create(
            ticket=ticket, solved_at=ticket.solved_at or now, due_at=now, **invitation_copies(ticket)
        )
    if invitation.state == InvitationState.PENDING or invitation.expires_at is None:
        invitation.state = InvitationState.SENT
        invitation.sent_at = invitation.sent_at or now
        invitation.expires_at = now + conf.survey_valid_for()
        invitation.save(update_fields=["state", "sent_at", "expires_at"])
    return survey_respond(invitation=invitation, rating=rating, comment=comment)
