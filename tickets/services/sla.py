"""SLA clocks: started on arrival, paused while waiting on the customer, warned at 80 %,
breached once at the deadline, and escalated. The database is the truth; sweeps find due
clocks through partial indexes and claim them with SKIP LOCKED, so any number of workers and
beats can run them and a lost broker message delays work by one sweep at most."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from ..models import (
    OPEN_STATUSES,
    CategoryKind,
    Channel,
    Metric,
    SlaClock,
    SlaTarget,
    Status,
    Ticket,
)
from ._common import care_for, tighter_first_response

WARN_AT = 0.8
PAUSED_STATUSES = (Status.PENDING, Status.SOLVED, Status.CLOSED)


def target_for(ticket: Ticket) -> SlaTarget:
    kind = ticket.category.kind if ticket.category_id and ticket.category else CategoryKind.INQUIRY
    targets = list(SlaTarget.objects.filter(Q(priority=ticket.priority) | Q(priority__isnull=True), kind=kind))
    targets.sort(key=lambda t: t.priority is None)
    if targets:
        target = targets[0]
    else:
        # Nothing configured: the product's defaults (those the data migration seeds).
        minutes = (3, 24 * 60) if kind == CategoryKind.INQUIRY else (10, 48 * 60)
        target = SlaTarget(kind=kind, first_response_minutes=minutes[0], resolution_minutes=minutes[1])
    # A customer's standing may ask for a tighter first response (never a looser one).
    care = care_for(ticket.customer_id)
    return SlaTarget(
        kind=target.kind,
        priority=target.priority,
        first_response_minutes=tighter_first_response(target.first_response_minutes, care),
        resolution_minutes=target.resolution_minutes,
    )


def _schedule(clock: SlaClock) -> None:
    """Set warn and due times from the start, the target and the time spent paused."""
    if clock.paused_at is not None:
        clock.warn_at = clock.due_at = None
        return
    base = clock.started_at + timedelta(seconds=clock.paused_seconds)
    clock.due_at = base + timedelta(minutes=clock.target_minutes)
    clock.warn_at = base + timedelta(seconds=clock.target_minutes * 60 * WARN_AT)


def refresh_ticket_sla(ticket: Ticket) -> None:
    """Keep the ticket's next deadline and state (shown and sorted in queues) in step with its clocks."""
    clocks = [c for c in SlaClock.objects.filter(ticket=ticket) if c.met_at is None]
    running = [c.due_at for c in clocks if c.due_at is not None]
    state = "ok"
    if any(c.breached_at for c in clocks):
        state = "breached"
    elif any(c.warned_at and not c.paused_at for c in clocks):
        state = "at_risk"
    elif clocks and not running:
        state = "paused"
    ticket.sla_due_at = min(running) if running else None
    ticket.sla_state = state
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=ticket.sla_due_at, sla_state=state)


def sla_start(*, ticket: Ticket, at: datetime) -> None:
    """A customer's ticket waits for a first response; a proactive one (we wrote first) for an agent to
    look at it within PROACTIVE_REVIEW_MINUTES. Both have a resolution target."""
    target = target_for(ticket)
    first = (
        (Metric.PROACTIVE_REVIEW, settings.PROACTIVE_REVIEW_MINUTES)
        if ticket.channel == Channel.SYSTEM
        else (Metric.FIRST_RESPONSE, target.first_response_minutes)
    )
    for metric, minutes in (first, (Metric.RESOLUTION, target.resolution_minutes)):
        clock = SlaClock(ticket=ticket, metric=metric, target_minutes=minutes, started_at=at)
        _schedule(clock)
        clock.save()
    refresh_ticket_sla(ticket)


def sla_first_response(*, ticket: Ticket, at: datetime) -> None:
    metrics = [Metric.FIRST_RESPONSE, Metric.PROACTIVE_REVIEW]
    SlaClock.objects.filter(ticket=ticket, metric__in=metrics, met_at__isnull=True).update(met_at=at)
    refresh_ticket_sla(ticket)


def sla_reviewed(*, ticket: Ticket, at: datetime) -> None:
    """An agent worked on a proactive ticket (a note, a reply, a decision): its review target is met."""
    if SlaClock.objects.filter(ticket=ticket, metric=Metric.PROACTIVE_REVIEW, met_at__isnull=True).update(met_at=at):
        refresh_ticket_sla(ticket)


def sla_status_changed(*, ticket: Ticket, old: str, new: str, at: datetime) -> None:
    """Waiting on the customer (or solved) pauses the resolution clock; reopening resumes it."""
    clock = SlaClock.objects.select_for_update().filter(ticket=ticket, metric=Metric.RESOLUTION).first()
    if clock is None:
        return
    if new in PAUSED_STATUSES and clock.paused_at is None:
        clock.paused_at = at
    elif new in OPEN_STATUSES and clock.paused_at is not None:
        clock.paused_seconds += max(0, int((at - clock.paused_at).total_seconds()))
        clock.paused_at = None
    if new in (Status.SOLVED, Status.CLOSED):
        clock.met_at = clock.met_at or at
        SlaClock.objects.filter(ticket=ticket, metric=Metric.PROACTIVE_REVIEW, met_at__isnull=True).update(met_at=at)
    elif new in OPEN_STATUSES:
        clock.met_at = None
    _schedule(clock)
    clock.save()
    refresh_ticket_sla(ticket)


def sla_retarget(*, ticket: Ticket) -> None:
    """A new category or priority: clocks not yet breached nor met take the new targets."""
    target = target_for(ticket)
    minutes = {
        Metric.FIRST_RESPONSE: target.first_response_minutes,
        Metric.RESOLUTION: target.resolution_minutes,
        Metric.PROACTIVE_REVIEW: settings.PROACTIVE_REVIEW_MINUTES,
    }
    for clock in SlaClock.objects.select_for_update().filter(
        ticket=ticket, met_at__isnull=True, breached_at__isnull=True
    ):
        clock.target_minutes = minutes[Metric(clock.metric)]
        clock.warned_at = None
        _schedule(clock)
        clock.save()
    refresh_ticket_sla(ticket)
