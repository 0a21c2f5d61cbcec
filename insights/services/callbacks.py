"""Callback plans: a solved ticket of a segment's customer gives an agent a call to make, due at a
civil hour in the customer's own time zone; the agent records how it went."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import Conflict, ServiceError
from tickets.models import CategoryKind, Channel, Ticket
from tickets.services import ticket_create

from ..models import CallbackOutcome, CallbackPlan, CallbackTask, CallbackTrigger


def customer_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def civil_due_at(*, solved_at: datetime, zone_name: str, delay_days: int, at: time) -> datetime:
    """`delay_days` calendar days after the solve, at `at` on the customer's clock, as UTC. A time
    that a clock change skips that day moves forward with the clock (zoneinfo's fold rules)."""
    zone = customer_zone(zone_name)
    day: date = solved_at.astimezone(zone).date() + timedelta(days=delay_days)
    local = datetime.combine(day, at, tzinfo=zone)
    return local.astimezone(UTC)


def callbacks_plan_for_solved(*, ticket: Ticket, solved_at: datetime | None = None) -> list[CallbackTask]:
    """Create the callbacks the customer's segments plan for this solved ticket (once per plan)."""
    solved_at = solved_at or ticket.solved_at or timezone.now()
    is_complaint = bool(ticket.category_id and ticket.category and ticket.category.kind == CategoryKind.COMPLAINT)
    triggers = [CallbackTrigger.TICKET_SOLVED] + ([CallbackTrigger.COMPLAINT_SOLVED] if is_complaint else [])
    plans = CallbackPlan.objects.filter(
        is_active=True,
        trigger__in=triggers,
        segment__is_active=True,
        segment__memberships__customer_id=ticket.customer_id,
    ).distinct()
    zone_name = ticket.customer.time_zone
    created = []
    for plan in plans:
        task, made = CallbackTask.objects.get_or_create(
            plan=plan,
            ticket=ticket,
            defaults={
                "customer_id": ticket.customer_id,
                "team_id_at_creation": ticket.team_id,
                "due_at": civil_due_at(
                    solved_at=solved_at, zone_name=zone_name, delay_days=plan.delay_days, at=plan.local_time
                ),
            },
        )
        if made:
            created.append(task)
    return created


def callback_record_outcome(
    *, task: CallbackTask, actor: Any, outcome: str, note: str = "", follow_up_subject: str = ""
) -> CallbackTask:
    """Record how the call went; FOLLOW_UP opens a follow-up ticket of the solved one for the customer."""
    roles.require(actor, roles.WORK_TICKETS)
    if outcome not in {CallbackOutcome.REACHED, CallbackOutcome.NO_ANSWER, CallbackOutcome.FOLLOW_UP}:
        raise ServiceError(_("Choose how the call went."), field="outcome")
    if outcome == CallbackOutcome.FOLLOW_UP and not note.strip():
        raise ServiceError(_("Say what the follow-up ticket is about."), field="note")
    with transaction.atomic():
        locked = CallbackTask.objects.select_for_update().select_related("ticket", "customer").get(pk=task.pk)
        if locked.outcome:
            raise Conflict(_("This callback is already done."))
        if outcome == CallbackOutcome.FOLLOW_UP:
            locked.follow_up = ticket_create(
                customer=locked.customer,
                subject=follow_up_subject.strip()
                or _("Follow-up of our call: %(subject)s") % {"subject": locked.ticket.subject},
                body=note.strip(),
                channel=Channel.PHONE,
                actor=actor,
                category=locked.ticket.category,
                team=locked.ticket.team,
                follow_up_of=locked.ticket,
            )
        locked.outcome = outcome
        locked.note = note.strip()
        locked.done_by = actor
        locked.done_at = timezone.now()
        locked.save(update_fields=["outcome", "note", "done_by", "done_at", "follow_up"])
    return locked


def missed_before(now: datetime | None = None) -> datetime:
    """A callback still to do whose due time is before this moment is missed."""
    return (now or timezone.now()) - timedelta(hours=settings.CALLBACK_GRACE_HOURS)
