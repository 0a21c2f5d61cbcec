"""The parcel's way back: the label and return address, the carrier's scans, receipt and
inspection in the warehouse, expiry when nothing was sent back in time."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import Conflict, ServiceError
from logistics.choices import Direction
from logistics.models import Carrier
from logistics.services.shipments import shipment_add

from ..models import AWAITING_PARCEL_Q, ReturnAddress, ReturnRequest, ReturnState
from .common import ensure_move, ensure_staff, locked, move

MAX_NOTE = 2000
MAX_LABEL_BYTES = 5 * 1024 * 1024
LABEL_TYPES = ("application/pdf", "image/png", "image/jpeg")


def return_address_for(ret: ReturnRequest) -> ReturnAddress:
    country = ret.order.ship_to_country or ret.ticket.customer.country
    address = ReturnAddress.objects.filter(country=country).first()
    if address is None:
        raise ServiceError(
            _("There is no return address for %(country)s: add one in the admin.") % {"country": country or "?"}
        )
    return address


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise ServiceError(_("Enter the label link as a web address."), field="label_url") from None
    return url


def _clean_file(label_file: UploadedFile | None) -> UploadedFile | None:
    if label_file is None:
        return None
    if label_file.size is not None and label_file.size > MAX_LABEL_BYTES:
        raise ServiceError(_("The label file is larger than 5 MB."), field="label_file")
    if label_file.content_type not in LABEL_TYPES:
        raise ServiceError(_("Upload the label as a PDF, PNG or JPEG file."), field="label_file")
    return label_file


@transaction.atomic
def return_send_label(
    *,
    ret: ReturnRequest,
    actor: Any,
    tracking_number: str,
    carrier: Carrier | None = None,
    label_file: UploadedFile | None = None,
    label_url: str = "",
) -> ReturnRequest:
    """Send the customer the label (a file or the carrier's link) and the return address for the
    order's country; the parcel's number becomes a shipment of the order, tracked by the same
    webhooks as any other."""
    ensure_staff(actor, ret)
    ret = locked(ret)
    ensure_move(ret, ReturnState.LABEL_SENT)
    url = _clean_url(label_url)
    upload = _clean_file(label_file)
    if not url and upload is None:
        raise ServiceError(_("Upload the label or give the carrier's label link."), field="label_url")
    address = return_address_for(ret)
    shipment = shipment_add(
        ticket=ret.ticket, actor=actor, tracking_number=tracking_number, carrier=carrier, direction=Direction.RETURN
    )
    if upload is not None:
        ret.label_file.save(upload.name or "label", upload, save=False)
    move(
        ret,
        target=ReturnState.LABEL_SENT,
        actor=actor,
        note=shipment.tracking_number,
        fields={
            "return_address": address,
            "label_url": url,
            "label_file": ret.label_file,
            "return_shipment": shipment,
        },
    )
    return ret


@transaction.atomic
def return_mark_in_transit(*, ret: ReturnRequest, actor: Any = None, note: str = "") -> ReturnRequest:
    """The return parcel is on its way: from its first carrier scan (actor None) or an agent."""
    if actor is not None:
        ensure_staff(actor, ret)
    ret = locked(ret)
    move(ret, target=ReturnState.IN_TRANSIT, actor=actor, note=note[:MAX_NOTE])
    return ret


@transaction.atomic
def return_receive(*, ret: ReturnRequest, actor: Any, note: str = "") -> ReturnRequest:
    """The warehouse has the parcel. The row is locked first, so of two people receiving the same
    parcel at once one records the receipt and the other is told it was already received."""
    ensure_staff(actor, ret)
    ret = locked(ret)
    if ret.state == ReturnState.RECEIVED or ret.received_at is not None:
        raise Conflict(_("Return %(number)s was already received.") % {"number": ret.reference})
    move(
        ret,
        target=ReturnState.RECEIVED,
        actor=actor,
        note=(note or "").strip()[:MAX_NOTE],
        fields={"received_at": timezone.now()},
    )
    return ret


@transaction.atomic
def return_inspect(*, ret: ReturnRequest, actor: Any, passed: bool, note: str = "") -> ReturnRequest:
    """What the items were found like; a failed inspection says why."""
    ensure_staff(actor, ret)
    ret = locked(ret)
    ensure_move(ret, ReturnState.INSPECTED)
    note = (note or "").strip()[:MAX_NOTE]
    if not passed and not note:
        raise ServiceError(_("Say what was wrong with the items."), field="note")
    move(
        ret,
        target=ReturnState.INSPECTED,
        actor=actor,
        note=note,
        fields={"inspection_passed": bool(passed), "inspection_note": note},
    )
    return ret


def return_expire(*, ret: ReturnRequest) -> bool:
    """The parcel was not sent back by the deadline (the system's step). False if not due."""
    with transaction.atomic():
        ret = locked(ret)
        if ret.state not in (ReturnState.APPROVED, ReturnState.LABEL_SENT):
            return False
        if ret.deadline is None or ret.deadline > timezone.now():
            return False
        move(ret, target=ReturnState.EXPIRED, actor=None)
    return True


def returns_expire_due(*, limit: int = 500) -> int:
    """The beat's sweep: returns past their deadline still waiting for the parcel, each in its own
    transaction (a second run finds nothing to do)."""
    due = list(
        ReturnRequest.objects.filter(AWAITING_PARCEL_Q, deadline__lte=timezone.now())
        .order_by("deadline", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(return_expire(ret=ReturnRequest(pk=pk)) for pk in due)
