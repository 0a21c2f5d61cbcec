"""Customer care: a low rating becomes a call-back task for the team's supervisors."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import NotAllowed, ServiceError
from tickets.models import Status
from tickets.redaction import redact
from tickets.services import ticket_set_status
from workspace.models import NoticeKind
from workspace.notifications import notify

from .. import conf
from ..models import CareFollowUp, CareOutcome, SurveyResponse
from ..models.care import OPEN_OUTCOMES

MAX_NOTE_CHARS = 4000


def care_due(now: datetime) -> datetime:
    """CARE_DUE_AFTER (default 24 h) from now, moved past a weekend of the support centre."""
    zone = zoneinfo.ZoneInfo(settings.SUPPORT_TIME_ZONE)
    due = (now + conf.care_due_after()).astimezone(zone)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    return due.astimezone(UTC)


def team_supervisors(team_id: int) -> list[Any]:
    """The active supervisors of a team; the administrators when the team has none."""
    users = get_user_model().objects.filter(is_active=True)
    found = list(users.filter(roles.supervisor_q(), agent_profile__team_id=team_id).distinct())
    return found or list(users.filter(is_superuser=True))


def can_handle(user: Any, follow_up: CareFollowUp) -> bool:
    if roles.is_admin(user):
        return True
    profile = getattr(user, "agent_profile", None)
    return roles.is_supervisor(user) and profile is not None and profile.team_id == follow_up.team_id


def _ui_language(user: Any) -> str:
    profile = getattr(user, "agent_profile", None)
    language = getattr(profile, "ui_language", "") or settings.LANGUAGE_CODE
    return language if language in settings.AGENT_LANGUAGES else settings.LANGUAGE_CODE


@transaction.atomic
def care_open(*, response: SurveyResponse) -> CareFollowUp:
    """The follow-up of a low rating, opened once per response; its team's supervisors are told."""
    follow_up, created = CareFollowUp.objects.get_or_create(
        response=response,
        defaults={"ticket_id": response.ticket_id, "team_id": response.team_id, "due_at": care_due(timezone.now())},
    )
    if created:
        url = follow_up.get_absolute_url()
        reference = response.ticket.reference
        for user in team_supervisors(response.team_id):
            with override(_ui_language(user)):
                text = gettext("%(reference)s was rated %(rating)d/5: please call the customer back.") % {
                    "reference": reference,
                    "rating": response.rating,
                }
            notify(users=[user], key=f"feedback-care:{follow_up.pk}", text=text, url=url, kind=NoticeKind.CARE)
    return follow_up


@transaction.atomic
def care_record_outcome(
    *, follow_up: CareFollowUp, outcome: str, actor: Any, note: str = "", reopen: bool = False
) -> CareFollowUp:
    """Record a call: no answer keeps the follow-up open (due again the next business day); any
    other outcome closes it. Reopening the ticket goes through the ticket's status service."""
    if not can_handle(actor, follow_up):
        raise NotAllowed(_("You are not allowed to do this."))
    if outcome not in CareOutcome.values:
        raise ServiceError(_("Choose an outcome."), field="outcome")
    note = redact((note or "").strip())  # card numbers are never kept (tickets/redaction.py)
    if len(note) > MAX_NOTE_CHARS:
        raise ServiceError(_("The note is too long."), field="note")
    follow_up = CareFollowUp.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=follow_up.pk)
    if not follow_up.is_open:
        raise ServiceError(_("This follow-up was already closed."))
    now = timezone.now()
    if reopen or outcome == CareOutcome.REOPENED:
        if follow_up.ticket.status != Status.SOLVED:
            raise ServiceError(
                _("Only a solved ticket can be reopened; a closed one needs a new ticket."), field="reopen"
            )
        ticket_set_status(ticket=follow_up.ticket, status=Status.OPEN, actor=actor)
    follow_up.outcome = outcome
    follow_up.note = "\n\n".join(part for part in (follow_up.note, note) if part)
    follow_up.attempts += 1
    follow_up.handled_by = actor
    follow_up.handled_at = now
    if outcome in OPEN_OUTCOMES:
        follow_up.due_at = care_due(now)
    else:
        follow_up.is_open = False
    follow_up.save(update_fields=["outcome", "note", "attempts", "handled_by", "handled_at", "due_at", "is_open"])
    return follow_up
