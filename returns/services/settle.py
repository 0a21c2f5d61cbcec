"""Settling a return: the refund, paid only once the parcel is received and inspected, or the
exchange's reshipment as a new outbound parcel; then closing it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import Conflict, ServiceError
from logistics.models import Carrier
from logistics.services.shipments import shipment_add
from policies.models import CompensationGrant, RequestState

from ..models import ReturnRequest, ReturnState
from .common import ensure_move, ensure_staff, locked, move

MAX_NOTE = 2000
BEFORE_RECEIPT = (ReturnState.REQUESTED, ReturnState.APPROVED, ReturnState.LABEL_SENT, ReturnState.IN_TRANSIT)


def _ensure_inspected_and_approved(ret: ReturnRequest) -> None:
    if ret.state in BEFORE_RECEIPT:
        raise Conflict(
            _("Return %(number)s is %(state)s: nothing is paid or reshipped before the parcel is received.")
            % {"number": ret.reference, "state": ret.get_state_display().lower()}
        )
    if ret.state == ReturnState.RECEIVED:
        raise Conflict(_("Inspect the items of return %(number)s first.") % {"number": ret.reference})
    if ret.state == ReturnState.INSPECTED and not ret.inspection_passed:
        raise Conflict(_("The items of return %(number)s failed inspection.") % {"number": ret.reference})
    comp = ret.compensation
    if comp is None or comp.state != RequestState.APPROVED:
        raise Conflict(_("Return %(number)s has no approved compensation.") % {"number": ret.reference})


@transaction.atomic
def return_refund(*, ret: ReturnRequest, actor: Any, note: str = "") -> ReturnRequest:
    """Pay the approved refund (the compensation's grant), once the items are received and passed
    inspection."""
    ensure_staff(actor, ret)
    ret = locked(ret)
    if ret.is_exchange:
        raise ServiceError(_("Return %(number)s is an exchange: reship it instead.") % {"number": ret.reference})
    _ensure_inspected_and_approved(ret)
    ensure_move(ret, ReturnState.REFUNDED)
    grant = CompensationGrant.objects.filter(request_id=ret.compensation_id).first()
    why = (note or "").strip()[:MAX_NOTE] or (f"{grant.currency} {grant.amount}" if grant else "")
    move(ret, target=ReturnState.REFUNDED, actor=actor, note=why, fields={"refunded_at": timezone.now()})
    return ret


@transaction.atomic
def return_exchange(
    *, ret: ReturnRequest, actor: Any, tracking_number: str, carrier: Carrier | None = None
) -> ReturnRequest:
    """Send the replacement: a new outbound parcel of the order, tracked like any other."""
    ensure_staff(actor, ret)
    ret = locked(ret)
    if not ret.is_exchange:
        raise ServiceError(_("Return %(number)s is a refund: refund it instead.") % {"number": ret.reference})
    _ensure_inspected_and_approved(ret)
    ensure_move(ret, ReturnState.EXCHANGED)
    shipment = shipment_add(ticket=ret.ticket, actor=actor, tracking_number=tracking_number, carrier=carrier)
    move(
        ret,
        target=ReturnState.EXCHANGED,
        actor=actor,
        note=shipment.tracking_number,
        fields={"reshipment": shipment},
    )
    return ret


@transaction.atomic
def return_close(*, ret: ReturnRequest, actor: Any, note: str = "") -> ReturnRequest:
    """Close a settled, rejected or expired return; one whose items failed inspection, with why."""
    ensure_staff(actor, ret)
    ret = locked(ret)
    ensure_move(ret, ReturnState.CLOSED)
    note = (note or "").strip()[:MAX_NOTE]
    if ret.state == ReturnState.INSPECTED:
        if ret.inspection_passed:
            raise Conflict(
                _("Return %(number)s passed inspection: refund or reship it first.") % {"number": ret.reference}
            )
        if not note:
            raise ServiceError(_("Say why the return closes without a refund."), field="note")
    move(ret, target=ReturnState.CLOSED, actor=actor, note=note)
    return ret
