"""Exception detection: the rules (data), the condition of each kind, and the sweeps that find
what no webhook announces (a parcel stalled, or held in customs past the threshold)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import reduce

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from helpdesk.tasking import enqueue

from ..choices import (
    ACTIVE_STATUSES,
    CUSTOMS_ISSUE_SUBS,
    Direction,
    ExceptionKind,
    ServiceType,
    ShipmentStatus,
    SubStatus,
)
from ..models import ExceptionRule, Shipment, ShipmentException
from ..models.shipments import ACTIVE_Q
from .notices import episode_close_if_settled
from .rules import all_rules, reported_kind, rule_for


def _hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)


def _customs_held(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
    # Once released the parcel has moved on: nothing left to tell the customer.
    if s.customs_started_at is None or s.customs_released_at is not None or not rule.threshold_hours:
        return None
    if s.status == ShipmentStatus.DELIVERED:
        return None
    held = now - s.customs_started_at
    if held <= timedelta(hours=rule.threshold_hours):
        return None
    return f"held in customs for {_hours(held)} h"


def _customs_issue(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
    if s.sub_status in CUSTOMS_ISSUE_SUBS and s.status in ACTIVE_STATUSES:
        return str(SubStatus(s.sub_status).label)
    return None


def _stalled(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
    if s.status == ShipmentStatus.EXPIRED:
        return "tracking expired at the sender"
    if s.status not in ACTIVE_STATUSES or not rule.threshold_hours:
        return None
    quiet = now - s.stall_clock_at
    if quiet > timedelta(hours=rule.threshold_hours):
        return f"no tracking update for {quiet.days} days" if quiet.days else f"no update for {_hours(quiet)} h"
    return None


def _failed_attempt(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
    return str(SubStatus(s.sub_status).label) if s.status == ShipmentStatus.FAILED_ATTEMPT else None


def _returned(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
    if s.status == ShipmentStatus.RETURNED or s.sub_status in (SubStatus.RETURNING, SubStatus.RETURNED):
        return str(SubStatus(s.sub_status or SubStatus.RETURNED).label)
    return None


def _sub_is(*subs: str) -> Callable[[Shipment, ExceptionRule, datetime], str | None]:
    def condition(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
        return (
            str(SubStatus(s.sub_status).label)
            if s.sub_status in subs and s.status != ShipmentStatus.DELIVERED
            else None
        )

    return condition


_SPECIFIC = {SubStatus.RETURNING, SubStatus.RETURNED, SubStatus.LOST, SubStatus.DESTROYED, SubStatus.DAMAGED}


def _other(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
    if s.status == ShipmentStatus.EXCEPTION and s.sub_status not in _SPECIFIC:
        return str(SubStatus(s.sub_status).label) if s.sub_status else "carrier exception"
    return None


def _tracking_stopped(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
    if s.tracking_stopped_at is not None and s.status in ACTIVE_STATUSES:
        return "tracking stopped before delivery"
    return None


def _never(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
    return None


Condition = Callable[[Shipment, ExceptionRule, datetime], str | None]


def _reported_or(kind: str, fallback: Condition) -> Condition:
    """A kind the carrier reports: it holds while the code that set the status maps to it (until a
    later event moves the parcel on); for a code not listed, the normalised status decides."""

    def condition(s: Shipment, rule: ExceptionRule, now: datetime) -> str | None:
        reported = reported_kind(s)
        if reported is None:
            return fallback(s, rule, now)
        if reported != kind or s.status == ShipmentStatus.DELIVERED:
            return None
        code = s.reported_code.split(":", 1)[-1]
        label = str(SubStatus(s.sub_status).label) if s.sub_status else ""
        return f"{label} ({code})" if label else f"reported by the carrier ({code})"

    return condition


CONDITIONS: dict[str, Condition] = {
    ExceptionKind.CUSTOMS_HELD: _customs_held,
    ExceptionKind.CUSTOMS_DELAY: _reported_or(ExceptionKind.CUSTOMS_DELAY, _never),
    ExceptionKind.DUTIES_HELD: _reported_or(ExceptionKind.DUTIES_HELD, _never),
    ExceptionKind.DOCUMENTS_MISSING: _reported_or(ExceptionKind.DOCUMENTS_MISSING, _never),
    ExceptionKind.CUSTOMS_ISSUE: _reported_or(ExceptionKind.CUSTOMS_ISSUE, _customs_issue),
    ExceptionKind.STALLED: _stalled,
    ExceptionKind.TRACKING_STOPPED: _tracking_stopped,
    ExceptionKind.FAILED_ATTEMPT: _reported_or(ExceptionKind.FAILED_ATTEMPT, _failed_attempt),
    ExceptionKind.ADDRESS_PROBLEM: _reported_or(ExceptionKind.ADDRESS_PROBLEM, _never),
    ExceptionKind.RETURNED: _reported_or(ExceptionKind.RETURNED, _returned),
    ExceptionKind.LOST: _reported_or(ExceptionKind.LOST, _sub_is(SubStatus.LOST, SubStatus.DESTROYED)),
    ExceptionKind.DAMAGED: _reported_or(ExceptionKind.DAMAGED, _sub_is(SubStatus.DAMAGED)),
    ExceptionKind.OTHER: _reported_or(ExceptionKind.OTHER, _other),
}


def exceptions_evaluate(*, shipment: Shipment, now: datetime | None = None) -> list[ShipmentException]:
    """With the shipment row locked: open an exception for each kind whose condition holds (one
    open per kind), resolve the open ones whose condition no longer holds. Each new exception is
    acted on by a task (services.alerts), or by the sweep if that message is lost."""
    if shipment.direction == Direction.RETURN:
        return []
    now = now or timezone.now()
    rules = all_rules()
    holding: dict[str, tuple[ExceptionRule, str]] = {}
    for kind, condition in CONDITIONS.items():
        rule = rule_for(kind, shipment.destination_country, shipment.service_type, rules)
        if rule is None or not rule.is_active:
            continue
        detail = condition(shipment, rule, now)
        if detail is not None:
            holding[kind] = (rule, detail)
    open_kinds = set(shipment.open_exception_kinds or [])
    to_open, to_resolve = set(holding) - open_kinds, open_kinds - set(holding)
    if not to_open and not to_resolve:
        return []
    if to_resolve:
        ShipmentException.objects.filter(shipment=shipment, kind__in=to_resolve, resolved_at__isnull=True).update(
            resolved_at=now
        )
    carrier_name = shipment.carrier.name if shipment.carrier else ""
    created = [
        ShipmentException.objects.create(
            shipment=shipment,
            kind=kind,
            rule=holding[kind][0],
            detail=holding[kind][1][:255],
            carrier_name=carrier_name,
            destination_country=shipment.destination_country,
            detected_at=now,
        )
        for kind in sorted(to_open)
    ]
    shipment.open_exception_kinds = sorted(holding)
    Shipment.objects.filter(pk=shipment.pk).update(open_exception_kinds=shipment.open_exception_kinds)
    if to_resolve and not holding:
        episode_close_if_settled(order_id=shipment.order_id, now=now)
    for exception in created:
        enqueue("logistics.tasks.act_on_exception", exception.pk)
    return created


def _evaluate_ids(ids: list[int], now: datetime) -> int:
    opened = 0
    for pk in ids:
        with transaction.atomic():
            shipment = (
                Shipment.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("carrier")
                .filter(pk=pk)
                .first()
            )
            if shipment is not None:
                opened += len(exceptions_evaluate(shipment=shipment, now=now))
    return opened


def _open_exception(kind: str) -> Exists:
    return Exists(ShipmentException.objects.filter(shipment=OuterRef("pk"), kind=kind, resolved_at__isnull=True))


def _cutoffs(kind: str, now: datetime) -> dict[str, datetime]:
    """Per service type, the earliest moment any active rule of the kind could fire: a clock set
    before it may be due. Empty when the kind is off everywhere."""
    rules = [r for r in all_rules() if r.kind == kind and r.is_active and r.threshold_hours]
    cutoffs = {}
    for service in ServiceType.values:
        hours = [r.threshold_hours for r in rules if r.service_type in ("", service) and r.threshold_hours]
        if hours:
            cutoffs[service] = now - timedelta(hours=min(hours))
    return cutoffs


def _before(field: str, cutoffs: dict[str, datetime]) -> Q:
    return reduce(
        operator.or_, (Q(service_type=service, **{f"{field}__lt": cutoff}) for service, cutoff in cutoffs.items())
    )


def shipments_due_for_check(*, now: datetime, limit: int = 5000) -> list[int]:
    """Undelivered shipments quiet, or in customs, longer than a threshold and with no such exception
    open yet; read through the partial indexes over active shipments."""
    ids: list[int] = []
    stalled = _cutoffs(ExceptionKind.STALLED, now)
    if stalled:
        not_flagged = ~_open_exception(ExceptionKind.STALLED)
        quiet = Shipment.objects.filter(ACTIVE_Q, _before("last_event_at", stalled), not_flagged)
        ids += quiet.order_by("last_event_at", "id").values_list("pk", flat=True)[:limit]
        never = Shipment.objects.filter(ACTIVE_Q, _before("created_at", stalled), not_flagged, last_event_at=None)
        ids += never.order_by("created_at", "id").values_list("pk", flat=True)[:limit]
    customs = _cutoffs(ExceptionKind.CUSTOMS_HELD, now)
    if customs:
        held = Shipment.objects.filter(
            ACTIVE_Q,
            _before("customs_started_at", customs),
            ~_open_exception(ExceptionKind.CUSTOMS_HELD),
            customs_released_at=None,
        )
        ids += held.order_by("customs_started_at", "id").values_list("pk", flat=True)[:limit]
    return sorted(set(ids))


def exceptions_sweep(*, now: datetime | None = None) -> int:
    """Find stalled and customs-held shipments (no webhook announces either); returns how many
    exceptions were opened. Run by beat; a second run finds nothing more to do."""
    now = now or timezone.now()
    return _evaluate_ids(shipments_due_for_check(now=now), now)
