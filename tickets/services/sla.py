"""SLA clocks: started on arrival, paused while waiting on the customer, warned at 80 %,
breached once at the deadline, and escalated. The database is the truth; sweeps find due
clocks through partial indexes and claim them with SKIP LOCKED, so any number of workers and
beats can run them and a lost broker message delays work by one sweep at most."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings

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
from .customers import cares_for, tighter_first_response

WARN_AT = 0.8
PAUSED_STATUSES = (Status.PENDING, Status.SOLVED, Status.CLOSED)


def _kind(ticket: Ticket) -> str:
    return ticket.category.kind if ticket.category_id and ticket.category else CategoryKind.INQUIRY


def _targets(kinds: set[str]) -> dict[tuple[str, int | None], SlaTarget]:
    """The configured targets of those kinds, by (kind, priority or None for any priority): one query."""
    return {(t.kind, t.priority): t for t in SlaTarget.objects.filter(kind__in=kinds)}


def targets_for(tickets: Sequence[Ticket]) -> dict[int, SlaTarget]:
    """Each ticket's targets, by ticket id: its category's kind and priority, tightened by its customer's
    standing. Two queries (targets and standings) however many tickets; the category must be loaded."""
    kinds = {_kind(ticket) for ticket in tickets}
    configured = _targets(kinds)
    cares = cares_for({ticket.customer_id for ticket in tickets})
    result: dict[int, SlaTarget] = {}
    for ticket in tickets:
        kind = _kind(ticket)
        target = configured.get((kind, ticket.priority)) or configured.get((kind, None))
        if target is None:
            # Nothing configured: the product's defaults (those the data migration seeds).
            minutes = (3, 24 * 60) if kind == CategoryKind.INQUIRY else (10, 48 * 60)
            target = SlaTarget(kind=kind, first_response_minutes=minutes[0], resolution_minutes=minutes[1])
        # A customer's standing may ask for a tighter first response (never a looser one).
        result[ticket.pk] = SlaTarget(
            kind=target.kind,
            priority=target.priority,
            first_response_minutes=tighter_first_response(target.first_response_minutes, cares[ticket.customer_id]),
            resolution_minutes=target.resolution_minutes,
        )
    return result


def target_for(ticket: Ticket) -> SlaTarget:
    return targets_for([ticket])[ticket.pk]


def _schedule(clock: SlaClock) -> None:
    """Set warn and due times from the start, the target and the time spent paused."""
    if clock.paused_at is not None:
        clock.warn_at = clock.due_at = None
        return
    base = clock.started_at + timedelta(seconds=clock.paused_seconds)
    clock.due_at = base + timedelta(minutes=clock.target_minutes)
    clock.warn_at = base + timedelta(seconds=clock.target_minutes * 60 * WARN_AT)


def refresh_tickets_sla(tickets: Sequence[Ticket]) -> None:
    """Keep each ticket's next deadline and state (shown and sorted in queues) in step with its clocks:
    one query reads the clocks and one writes the tickets, however many."""
    if not tickets:
        return
    clocks: dict[int, list[SlaClock]] = {ticket.pk: [] for ticket in tickets}
    for clock in SlaClock.objects.filter(ticket_id__in=clocks, met_at__isnull=True):
        clocks[clock.ticket_id].append(clock)
    for ticket in tickets:
        running = [c.due_at for c in clocks[ticket.pk] if c.due_at is not None]
        state = "ok"
        if any(c.breached_at for c in clocks[ticket.pk]):
            state = "breached"
        elif any(c.warned_at and not c.paused_at for c in clocks[ticket.pk]):
            state = "at_risk"
        elif clocks[ticket.pk] and not running:
            state = "paused"
        ticket.sla_due_at = min(running) if running else None
        ticket.sla_state = state
    if len(tickets) == 1:
        Ticket.objects.filter(pk=tickets[0].pk).update(sla_due_at=tickets[0].sla_due_at, sla_state=tickets[0].sla_state)
    else:
        Ticket.objects.bulk_update(tickets, ["sla_due_at", "sla_state"])


def refresh_ticket_sla(ticket: Ticket) -> None:
    refresh_tickets_sla([ticket])


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


def sla_statuses_changed(*, tickets: Sequence[Ticket], new: str, at: datetime) -> None:
    """Waiting on the customer (or solved) pauses the resolution clock; reopening resumes it. For many
    tickets in a fixed number of queries."""
    clocks = list(
        SlaClock.objects.select_for_update()
        .filter(ticket_id__in=[t.pk for t in tickets], metric=Metric.RESOLUTION)
        .order_by("ticket_id", "pk")
    )
    if not clocks:
        return
    for clock in clocks:
        if new in PAUSED_STATUSES and clock.paused_at is None:
            clock.paused_at = at
        elif new in OPEN_STATUSES and clock.paused_at is not None:
            clock.paused_seconds += max(0, int((at - clock.paused_at).total_seconds()))
            clock.paused_at = None
        if new in (Status.SOLVED, Status.CLOSED):
            clock.met_at = clock.met_at or at
        elif new in OPEN_STATUSES:
            clock.met_at = None
        _schedule(clock)
    timed = {clock.ticket_id for clock in clocks}
    if new in (Status.SOLVED, Status.CLOSED):
        SlaClock.objects.filter(ticket_id__in=timed, metric=Metric.PROACTIVE_REVIEW, met_at__isnull=True).update(
            met_at=at
        )
    SlaClock.objects.bulk_update(clocks, ["paused_at", "paused_seconds", "met_at", "warn_at", "due_at"])
    refresh_tickets_sla([t for t in tickets if t.pk in timed])


def sla_status_changed(*, ticket: Ticket, old: str, new: str, at: datetime) -> None:
    sla_statuses_changed(tickets=[ticket], new=new, at=at)


def sla_retarget_many(*, tickets: Sequence[Ticket]) -> None:
    """A new category or priority: clocks not yet breached nor met take the new targets (for many
    tickets in a fixed number of queries; their categories loaded)."""
    targets = targets_for(tickets)
    clocks = list(
        SlaClock.objects.select_for_update()
        .filter(ticket_id__in=targets, met_at__isnull=True, breached_at__isnull=True)
        .order_by("ticket_id", "pk")
    )
    for clock in clocks:
        target = targets[clock.ticket_id]
        clock.target_minutes = {
            Metric.FIRST_RESPONSE: target.first_response_minutes,
            Metric.RESOLUTION: target.resolution_minutes,
            Metric.PROACTIVE_REVIEW: settings.PROACTIVE_REVIEW_MINUTES,
        }[Metric(clock.metric)]
        clock.warned_at = None
        _schedule(clock)
    if clocks:
        SlaClock.objects.bulk_update(clocks, ["target_minutes", "warned_at", "warn_at", "due_at"])
    refresh_tickets_sla(tickets)


def sla_retarget(*, ticket: Ticket) -> None:
    sla_retarget_many(tickets=[ticket])
