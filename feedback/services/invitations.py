"""Survey invitations: one per solve, sent by a sweep after the delay, at a civil hour, exactly once."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from tickets.models import OutboundEmail, Status, Ticket
from tickets.services import email_queue

from .. import conf, tokens
from ..models import InvitationState, SurveyInvitation, SurveyResponse
from .texts import rating_choices, stars, survey_texts
from .timing import is_civil, next_civil

logger = logging.getLogger(__name__)

EMAIL_TEMPLATE = "feedback/invitation"


def email_key(invitation: SurveyInvitation) -> str:
    return f"feedback-survey:{invitation.pk}"


def is_archived(ticket: Ticket, now: datetime) -> bool:
    """Archived: closed longer ago than SURVEY_ARCHIVE_AFTER (default 30 days), or merged away."""
    if ticket.merged_into_id is not None:
        return True
    return ticket.status == Status.CLOSED and (
        ticket.closed_at is None or ticket.closed_at <= now - conf.survey_archive_after()
    )


@transaction.atomic
def invitation_create_on_solve(*, ticket: Ticket) -> SurveyInvitation | None:
    """The survey of this solve, created once. A ticket whose survey was answered gets no second
    one when re-solved; an unanswered earlier survey is replaced by the new one."""
    if ticket.solved_at is None or ticket.status != Status.SOLVED:
        return None
    if SurveyResponse.objects.filter(ticket=ticket).exists():
        return None
    SurveyInvitation.objects.filter(ticket=ticket).exclude(solved_at=ticket.solved_at).exclude(
        state=InvitationState.CANCELLED
    ).update(state=InvitationState.CANCELLED)
    invitation, _created = SurveyInvitation.objects.get_or_create(
        ticket=ticket,
        solved_at=ticket.solved_at,
        defaults={
            "due_at": next_civil(ticket.solved_at + conf.survey_delay(), ticket.customer.time_zone),
            **invitation_copies(ticket),
        },
    )
    return invitation


def invitation_copies(ticket: Ticket) -> dict[str, Any]:
    """What a survey keeps of its ticket as it stands (reports do not move when it is reassigned)."""
    return {
        "agent_id": ticket.assignee_id,
        "team_id": ticket.team_id,
        "category_id": ticket.category_id,
        "language": ticket.language,
        "country": ticket.customer.country,
    }


@transaction.atomic
def invitations_cancel_pending(*, ticket: Ticket) -> int:
    """The ticket was reopened: a survey not yet sent is not sent (re-solving makes a new one)."""
    return SurveyInvitation.objects.filter(ticket=ticket, state=InvitationState.PENDING).update(
        state=InvitationState.CANCELLED
    )


def invitations_create_missing(*, now: datetime | None = None, limit: int = 500) -> int:
    """Safety net for a solve whose invitation was not created: solved tickets (read through the
    partial index over solved tickets) with no invitation for their current solve."""
    now = now or timezone.now()
    has_invitation = SurveyInvitation.objects.filter(ticket_id=OuterRef("pk"), solved_at=OuterRef("solved_at"))
    answered = SurveyResponse.objects.filter(ticket_id=OuterRef("pk"))
    missing = (
        Ticket.objects.filter(status=Status.SOLVED, solved_at__gte=now - conf.survey_catch_up())
        .filter(~Exists(has_invitation), ~Exists(answered))
        .select_related("customer")
        .order_by("solved_at")[:limit]
    )
    created = 0
    for ticket in missing:
        created += invitation_create_on_solve(ticket=ticket) is not None
    return created


def survey_url(link_token: str, rating: int | None = None) -> str:
    url = conf.site_url() + reverse("feedback:survey", args=[link_token])
    return f"{url}?rating={rating}" if rating else url


def _queue_email(invitation: SurveyInvitation, link_token: str, key: str) -> None:
    ticket = invitation.ticket
    texts = survey_texts(
        invitation.language,
        customer_name=ticket.customer.name,
        reference=ticket.reference,
        subject=ticket.subject,
    )
    ratings = [
        {"value": value, "label": label, "stars": stars(value), "url": survey_url(link_token, value)}
        for value, label in rating_choices(texts)
    ]
    email_queue(
        key=key,
        to=ticket.customer.email,
        template=EMAIL_TEMPLATE,
        context={
            "ticket": ticket,
            "texts": texts,
            "ratings": ratings,
            "survey_url": survey_url(link_token),
            "expires_at": invitation.expires_at,
        },
        language=invitation.language,
        time_zone=ticket.customer.time_zone,
        ticket=ticket,
    )


def _send_one(invitation: SurveyInvitation, now: datetime) -> bool:
    ticket = invitation.ticket
    if ticket.status not in (Status.SOLVED, Status.CLOSED) or is_archived(ticket, now):
        invitation.state = InvitationState.CANCELLED
        invitation.save(update_fields=["state"])
        return False
    if not is_civil(now, ticket.customer.time_zone):
        # The sweep ran late (a worker was down): wait for the customer's next morning.
        invitation.due_at = next_civil(now, ticket.customer.time_zone)
        invitation.save(update_fields=["due_at"])
        return False
    _issue(invitation, now, email_key(invitation))
    return True


def _issue(invitation: SurveyInvitation, now: datetime, key: str) -> None:
    """A new link (any earlier one stops working), valid from now, emailed through the send log."""
    link_token, digest = tokens.new_token()
    invitation.token_hash = digest
    invitation.state = InvitationState.SENT
    invitation.sent_at = now
    invitation.expires_at = now + conf.survey_valid_for()
    invitation.save(update_fields=["token_hash", "state", "sent_at", "expires_at"])
    _queue_email(invitation, link_token, key)


class SurveyNotSent(ServiceError):
    """A survey that staff asked to send now or again cannot be sent; the message says why."""


@transaction.atomic
def invitation_send_now(*, invitation_id: int, resend: bool = False, now: datetime | None = None) -> SurveyInvitation:
    """Send a waiting survey now (its delay and the customer's civil hours skipped: someone chose
    to), or, with `resend`, a sent one again with a new link, as its own email in the send log
    ("feedback-survey:<id>:again-<n>"). Never a second email by accident: a sent survey needs
    `resend`, and not while its last email still waits in the send log; an answered, cancelled
    or archived survey is not sent."""
    now = now or timezone.now()
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("ticket__customer")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise SurveyNotSent(_("No survey invitation with this number."))
    ticket = invitation.ticket
    if SurveyResponse.objects.filter(invitation=invitation).exists():
        raise SurveyNotSent(_("The customer has already answered this survey."))
    if invitation.state == InvitationState.CANCELLED:
        raise SurveyNotSent(_("This survey was cancelled: the ticket was reopened or solved again."))
    if ticket.status not in (Status.SOLVED, Status.CLOSED) or is_archived(ticket, now):
        raise SurveyNotSent(_("The ticket is no longer solved, or is archived: no survey is sent."))
    if invitation.state == InvitationState.PENDING:
        _issue(invitation, now, email_key(invitation))
        return invitation
    if not resend:
        raise SurveyNotSent(_("This survey was already sent. To send it again, resend it."))
    earlier = OutboundEmail.objects.filter(key__startswith=f"{email_key(invitation)}:again-")
    waiting = earlier.filter(state__in=[OutboundEmail.State.PENDING, OutboundEmail.State.SENDING]).exists()
    if (
        waiting
        or OutboundEmail.objects.filter(
            key=email_key(invitation), state__in=[OutboundEmail.State.PENDING, OutboundEmail.State.SENDING]
        ).exists()
    ):
        raise SurveyNotSent(_("The last email of this survey is still waiting to be sent."))
    _issue(invitation, now, f"{email_key(invitation)}:again-{earlier.count() + 1}")
    logger.info("survey invitation %s sent again", invitation.pk)
    return invitation


def invitations_send_due(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Send every invitation whose time has come; the ids sent. Rows are claimed with
    SKIP LOCKED, so sweeps running at once never send the same invitation twice."""
    now = now or timezone.now()
    sent: list[int] = []
    with transaction.atomic():
        due = list(
            SurveyInvitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=InvitationState.PENDING, due_at__lte=now)
            .select_related("ticket__customer")
            .order_by("due_at", "id")[:limit]
        )
        for invitation in due:
            try:
                with transaction.atomic():
                    if _send_one(invitation, now):
                        sent.append(invitation.pk)
            except Exception:  # one bad row must not hold back the others; it is retried later
                logger.exception("survey invitation %s could not be sent", invitation.pk)
                SurveyInvitation.objects.filter(pk=invitation.pk).update(
                    due_at=now + conf.survey_retry_after(), attempts=F("attempts") + 1
                )
    return sent
