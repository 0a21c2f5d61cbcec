"""Processing stored deliveries, in batches.

The endpoint wakes a drain task (helpdesk.tasking.enqueue) unless one is already awake for the
delivery's slot: a Redis key per slot (LOGISTICS_PROCESSING_SLOTS, default 2, i.e. at most two
drains at once) saves a broker message per delivery. A drain claims up to BATCH waiting
deliveries (FOR UPDATE SKIP LOCKED, so drains and sweeps never take the same one), locks their
shipments in id order, applies each delivery in its own savepoint (one bad delivery is recorded as
failed, the others commit), and commits once per batch. When it finds nothing it releases its
slot and looks once more, so a delivery stored meanwhile is either seen by that last look or
wakes a new drain: no wake-up is lost. Whatever happens to Redis or the broker, the beat sweep
(deliveries_process_waiting) processes what is still waiting: a lost message delays, never loses.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from helpdesk.tasking import enqueue

from ..formats import PARSERS, ParsedUpdate
from ..models import Shipment, WebhookDelivery
from .fastsql import finish_deliveries
from .shipments import shipments_for_update
from .tracking import shipment_apply_update

logger = logging.getLogger(__name__)

State = WebhookDelivery.State
BATCH = 50
MAX_ATTEMPTS = 5
WAKE_TTL_SECONDS = 30  # a crashed drain's slot frees itself; the sweep covers the gap
DRAIN_BUDGET_SECONDS = 50.0  # then the drain hands over to a fresh task (tasks stay short)
GRACE = timedelta(seconds=30)  # the sweep leaves younger deliveries to their drain


def slots() -> int:
    return max(1, int(settings.LOGISTICS_PROCESSING_SLOTS))


def _slot_key(slot: int) -> str:
    return f"logistics:drain:{connection.settings_dict.get('NAME')}:{slot}"


def processing_wake(*, delivery_id: int) -> None:
    """After a delivery is stored: make sure a drain will see it."""
    slot = delivery_id % slots()
    try:
        if not cache.add(_slot_key(slot), 1, timeout=WAKE_TTL_SECONDS):
            return  # a drain of this slot is queued or running, and will look again before it stops
    except Exception as error:  # cache unreachable: wake a drain anyway
        logger.warning("logistics wake-up key unavailable: %s", error)
    enqueue("logistics.tasks.process_deliveries", slot)


@transaction.atomic
def deliveries_process_again(*, ids: Iterable[int]) -> list[int]:
    """Failed or unmatched deliveries among `ids` wait to be processed again, with a fresh count of
    attempts; returns their ids. Those in any other state are left alone (rows locked, state checked)."""
    again = list(
        WebhookDelivery.objects.select_for_update()
        .filter(pk__in=list(ids), state__in=[State.FAILED, State.UNMATCHED])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=again).update(state=State.RECEIVED, attempts=0, error="")
    for pk in again:  # the beat sweep processes them anyway if the broker is down
        processing_wake(delivery_id=pk)
    return again


def deliveries_drain(*, slot: int, batch: int = BATCH) -> int:
    """Process waiting deliveries until none is left (or the time budget is spent); returns how many."""
    key = _slot_key(slot)
    done, began = 0, time.monotonic()
    while time.monotonic() - began < DRAIN_BUDGET_SECONDS:
        cache.set(key, 1, timeout=WAKE_TTL_SECONDS)
        found = deliveries_process_batch(limit=batch)
        done += found
        if found:
            continue
        cache.delete(key)
        found = deliveries_process_batch(limit=batch)  # the last look, after releasing the slot
        done += found
        if not found or not cache.add(key, 1, timeout=WAKE_TTL_SECONDS):
            return done  # nothing left, or another drain took the slot and will continue
    cache.delete(key)
    processing_wake(delivery_id=slot)  # budget spent with work left: a fresh task goes on
    return done


def deliveries_process_batch(*, limit: int = BATCH, received_before: datetime | None = None) -> int:
    """Claim and process up to `limit` waiting deliveries, oldest first; returns how many were claimed.
    If the batch as a whole fails, its deliveries are processed one by one (each failure recorded)."""
    waiting = WebhookDelivery.objects.select_for_update(skip_locked=True).filter(state=State.RECEIVED)
    if received_before is not None:
        waiting = waiting.filter(received_at__lt=received_before)
    ids: list[int] = []
    try:
        with transaction.atomic():
            deliveries = list(waiting.order_by("received_at", "id")[:limit])
            ids = [d.pk for d in deliveries]
            _process_claimed(deliveries, isolate=False)
    except Exception:
        logger.exception("a batch of webhook deliveries failed; processing them one by one")
        for pk in ids:
            delivery_process(delivery_id=pk)
    return len(ids)


def delivery_process(*, delivery_id: int) -> str:
    """Process one delivery if it still waits; safe twice or from two workers at once. Returns what
    happened: processed, unmatched, ignored, skipped (not waiting, or taken) or failed."""
    try:
        with transaction.atomic():
            delivery = (
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .filter(pk=delivery_id, state=State.RECEIVED)
                .first()
            )
            if delivery is None:
                return "skipped"
            return _process_claimed([delivery], isolate=True)[delivery.pk]
    except Exception as error:
        logger.exception("processing webhook delivery %s failed", delivery_id)
        _record_failures({delivery_id: error})
        return "failed"


def _lock_shipments(updates: list[ParsedUpdate]) -> dict[str, list[Shipment]]:
    """The known shipments of a batch, locked in id order (as every writer locks them)."""
    numbers = {u.tracking_number for u in updates if u.tracking_number}
    by_number: dict[str, list[Shipment]] = defaultdict(list)
    if numbers:
        rows = Shipment.objects.select_for_update(of=("self",)).select_related("carrier")
        for shipment in rows.filter(tracking_number__in=numbers).order_by("pk"):
            by_number[shipment.tracking_number].append(shipment)
    return by_number


def _process_claimed(deliveries: list[WebhookDelivery], *, isolate: bool) -> dict[int, str]:
    """Apply claimed deliveries inside the caller's transaction. With `isolate` each one runs in a
    savepoint and a failure is recorded on it; without, a failure aborts the whole batch (whose
    caller then goes one by one): two statements fewer per delivery on the usual, healthy path."""
    now = timezone.now()
    outcomes: dict[int, str] = {}
    failures: dict[int, Exception] = {}
    parsed: dict[int, ParsedUpdate] = {}
    for delivery in deliveries:
        try:
            parsed[delivery.pk] = PARSERS[delivery.sender](json.loads(bytes(delivery.body)))
        except Exception as error:  # stored bodies were valid when received; a parser change can still fail
            if not isolate:
                raise
            failures[delivery.pk] = error
    known = _lock_shipments([u for u in parsed.values() if not u.ignored])
    first_shipment: dict[int, int] = {}
    for delivery in deliveries:
        update = parsed.get(delivery.pk)
        if update is None:
            continue
        if update.ignored:
            outcomes[delivery.pk] = State.IGNORED
            continue
        savepoint = transaction.savepoint() if isolate else None
        try:
            shipments = shipments_for_update(update, known=known.get(update.tracking_number, []))
            for shipment in shipments:
                shipment_apply_update(shipment=shipment, update=update, delivery=delivery, now=now)
            if savepoint is not None:
                transaction.savepoint_commit(savepoint)
        except Exception as error:
            if savepoint is None:
                raise
            transaction.savepoint_rollback(savepoint)
            logger.exception("processing webhook delivery %s failed", delivery.pk)
            failures[delivery.pk] = error
            continue
        if not known.get(update.tracking_number):
            known[update.tracking_number] = shipments  # created just now: the batch's next deliveries use it
        outcomes[delivery.pk] = State.PROCESSED if shipments else State.UNMATCHED
        if shipments:
            first_shipment[delivery.pk] = shipments[0].pk
    finish_deliveries({pk: (str(state), first_shipment.get(pk)) for pk, state in outcomes.items()}, now)
    _record_failures(failures)
    return {**{pk: str(state) for pk, state in outcomes.items()}, **{pk: "failed" for pk in failures}}


def _record_failures(failures: dict[int, Exception]) -> None:
    for pk, error in failures.items():
        WebhookDelivery.objects.filter(pk=pk, state=State.RECEIVED).update(
            attempts=F("attempts") + 1,
            error=f"{type(error).__name__}: {error}"[:2000],
            state=Case(When(attempts__gte=MAX_ATTEMPTS - 1, then=Value(State.FAILED)), default=Value(State.RECEIVED)),
        )


def deliveries_process_waiting(*, now: datetime | None = None, limit: int = 5000) -> int:
    """The beat sweep: process deliveries still waiting after the grace their drain had (a lost
    broker message, Redis down, a crashed worker). Returns how many it claimed."""
    cutoff = (now or timezone.now()) - GRACE
    done = 0
    while done < limit:
        found = deliveries_process_batch(limit=BATCH, received_before=cutoff)
        done += found
        if not found:
            break
    return done
