"""The 30-minute approval SLA, swept by Celery beat: due times are columns, not ETAs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.history import ticket_event_record
from tickets.services import email_queue
from workspace.models import NoticeKind
from workspace.notifications import notify

from ..models import CompensationRequest, RequestState
from .audience import approvals_changed, staff_language, staff_time_zone, supervisors
from .outcome import describe


def approvals_sweep(*, now: datetime | None = None, limit: int = 100) -> int:
    """Remind the team's supervisors of requests waiting 20 minutes and escalate those waiting
    30 to every supervisor and admin. Each step happens once: its time is recorded on the row,
    and workers sweeping at the same moment skip rows another one holds. Returns rows handled."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            CompensationRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket", "requested_by")
            .filter(state=RequestState.PENDING, sla_due_at__lte=now)
            .order_by("sla_due_at", "pk")[:limit]
        )
        for request in due:
            if request.reminded_at is None and request.remind_at and request.remind_at <= now:
                _remind(request)
                request.reminded_at = now
            if request.escalated_at is None and request.escalate_at and request.escalate_at <= now:
                _escalate(request)
                request.escalated_at = now
            request.sla_due_at = request.escalate_at if request.escalated_at is None else None
            CompensationRequest.objects.filter(pk=request.pk, state=RequestState.PENDING).update(
                reminded_at=request.reminded_at, escalated_at=request.escalated_at, sla_due_at=request.sla_due_at
            )
    return len(due)


def _remind(request: CompensationRequest) -> None:
    users = list(supervisors(team_id=request.ticket.team_id).exclude(pk=request.requested_by_id))
    ticket_event_record(ticket=request.ticket, kind="compensation_reminder", data={"new": describe(request)})
    _tell(request, users, step="remind")


def _escalate(request: CompensationRequest) -> None:
    users = list(supervisors(with_admins=True).exclude(pk=request.requested_by_id))
    ticket_event_record(ticket=request.ticket, kind="compensation_escalated", data={"new": describe(request)})
    _tell(request, users, step="escalate")
    approvals_changed(request)  # now any supervisor's to decide


def _tell(request: CompensationRequest, users: Iterable[Any], *, step: str) -> None:
    users = list(users)
    queue_url = reverse("policies:queue")
    if step == "remind":
        text = _("Compensation on %(ticket)s has waited 20 minutes for approval: %(what)s")
    else:
        text = _("Escalated: compensation on %(ticket)s has waited 30 minutes for approval: %(what)s")
    values = {"ticket": request.ticket.reference, "what": describe(request)}
    notify(
        users=users,
        key=f"policies:{step}:{request.pk}",
        text=text % values,
        url=queue_url,
        kind=NoticeKind.APPROVAL_NEEDED,
    )
    for user in users:
        if not user.email:
            continue
        email_queue(
            key=f"policies-{step}:{request.pk}:{user.pk}",
            to=user.email,
            template="policies/approval_due",
            context={
                "request": request,
                "ticket": request.ticket,
                "what": describe(request),
                "user": user,
                "queue_url": settings.SITE_URL + queue_url,
                "escalated": step == "escalate",
            },
            language=staff_language(user),
            time_zone=staff_time_zone(user),
        )
