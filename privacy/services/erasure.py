"""A customer's erasure: requested, then carried out by a sweep once the grace period is over.

A dry run lists what will change; the erasure anonymises every registered record (registry.py) in
batches, keeps amounts, dates and statuses, and is audited when requested, cancelled and done.
Running it twice changes nothing more: a done request is never picked again, and the rows of an
erased customer are already overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from tickets.models import Customer
from workspace.audit import audit_record

from ..models import ErasureRequest
from ..registry import Holding, holdings
from ._access import require_data_officer
from .scrub import scrub_rows

State = ErasureRequest.State


@dataclass(frozen=True)
class PlannedChange:
    label: str
    title: str
    count: int
    action: str  # what happens to them, in words


def _action(holding: Holding) -> str:
    if holding.delete:
        return _("deleted, with their files") if holding.files else _("deleted")
    if holding.scrub:
        fields = ", ".join(
            str(getattr(holding.model._meta.get_field(name), "verbose_name", name)) for name in holding.scrub
        )
        return _("anonymised: %(fields)s") % {"fields": fields}
    return _("kept: %(why)s") % {"why": holding.kept}


def erasure_dry_run(*, customer: Customer) -> list[PlannedChange]:
    """What an erasure would change now, kind by kind (kinds without rows left out)."""
    planned = []
    for holding in holdings():
        count = holding.rows_for(customer).count()
        if count:
            title = str(holding.model._meta.verbose_name_plural).capitalize()
            planned.append(PlannedChange(holding.label, title, count, _action(holding)))
    return planned


@transaction.atomic
def erasure_request(
    *, customer: Customer, actor: Any, reason: str = "", request: Any = None, now: datetime | None = None
) -> ErasureRequest:
    require_data_officer(actor)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(
                customer=customer,
                requested_by=actor,
                reason=" ".join(reason.split())[:200],
                requested_at=now,
                due_at=now + settings.PRIVACY_ERASURE_GRACE,
            )
    except IntegrityError:
        raise ServiceError(_("An erasure of this customer is already waiting.")) from None
    audit_record(action="privacy.erasure_requested", request=request, actor=actor, target=customer, due=erasure.due_at)
    return erasure


@transaction.atomic
def erasure_cancel(*, erasure: ErasureRequest, actor: Any, request: Any = None) -> ErasureRequest:
    require_data_officer(actor)
    updated = ErasureRequest.objects.filter(pk=erasure.pk, state=State.PENDING).update(
        state=State.CANCELLED, cancelled_by=actor
    )
    if not updated:
        raise ServiceError(_("Only a waiting erasure can be cancelled."))
    audit_record(action="privacy.erasure_cancelled", request=request, actor=actor, target=erasure.customer)
    erasure.refresh_from_db()
    return erasure


def customer_erase(*, customer: Customer) -> dict[str, int]:
    """Anonymise every registered record of the customer; the rows changed, per model."""
    # Every holding's rows are found first: some are found by the customer's name, erased below.
    found = {holding.label: list(holding.rows_for(customer).values_list("pk", flat=True)) for holding in holdings()}
    changed = {}
    for holding in holdings():
        if holding.erases and found[holding.label]:
            changed[holding.label] = scrub_rows(holding, found[holding.label])
    return changed


def erasure_carry_out(*, erasure_id: int, now: datetime | None = None) -> ErasureRequest | None:
    """Erase the customer of a due request, once: the request is claimed under a lock."""
    now = now or timezone.now()
    with transaction.atomic():
        erasure = (
            ErasureRequest.objects.select_for_update(skip_locked=True)
            .filter(pk=erasure_id, state=State.PENDING, due_at__lte=now)
            .select_related("customer")
            .first()
        )
        if erasure is None:
            return None
        changed = customer_erase(customer=erasure.customer)
        erasure.state = State.DONE
        erasure.completed_at = now
        erasure.summary = changed
        erasure.save(update_fields=["state", "completed_at", "summary"])
        audit_record(action="privacy.erasure_done", target=erasure.customer, records=sum(changed.values()))
    return erasure


def erasures_due(*, now: datetime | None = None, limit: int = 50) -> list[int]:
    now = now or timezone.now()
    return list(
        ErasureRequest.objects.filter(state=State.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )


def erasure_sweep(*, now: datetime | None = None) -> int:
    """Carry out the erasures whose grace period is over; the number done."""
    return sum(1 for pk in erasures_due(now=now) if erasure_carry_out(erasure_id=pk, now=now) is not None)
