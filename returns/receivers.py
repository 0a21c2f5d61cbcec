"""What the returns app hears from the apps below it, without them knowing of it: a supervisor's
decision on a return's compensation, and the carrier's scans of a return parcel."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from helpdesk.errors import ServiceError
from logistics.choices import ShipmentStatus
from logistics.models import ShipmentStatusChange
from policies.models import CompensationRequest, DecisionLog

from .models import ReturnRequest, ReturnState
from .services import return_mark_in_transit, return_review_decided

logger = logging.getLogger(__name__)

# Scans that say the return parcel left the customer.
MOVING = {
    ShipmentStatus.INFO_RECEIVED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.CUSTOMS,
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.AVAILABLE_FOR_PICKUP,
    ShipmentStatus.DELIVERED,
}


def compensation_of_a_return(request: CompensationRequest) -> bool:
    """The returns app tells the customer at each step of a return: the compensation app sends no
    email of its own about the grant behind one (the refund is paid only on receipt)."""
    return ReturnRequest.objects.filter(compensation_id=request.pk).exists()


def compensation_decided(*, sender: Any, instance: DecisionLog, created: bool, raw: bool = False, **_: Any) -> None:
    """post_save of DecisionLog (one per request, written by whoever decided it)."""
    if not created or raw or instance.automatic:
        return  # an immediate approval is handled by return_approve itself
    return_review_decided(
        request=instance.request, decision=instance.decision, actor=instance.actor, comment=instance.comment
    )


def return_parcel_moved(
    *, sender: Any, instance: ShipmentStatusChange, created: bool, raw: bool = False, **_: Any
) -> None:
    """post_save of ShipmentStatusChange: a return parcel's first scan on the way moves its return
    to in transit. A failure here must not lose the tracking update: it is logged."""
    if not created or raw or instance.new_status not in MOVING:
        return
    ret = ReturnRequest.objects.filter(return_shipment_id=instance.shipment_id, state=ReturnState.LABEL_SENT).first()
    if ret is None:
        return
    try:
        with transaction.atomic():
            return_mark_in_transit(ret=ret, note=str(ShipmentStatus(instance.new_status).label))
    except ServiceError:
        logger.info("return %s: not moved to in transit by a scan", ret.pk)
    except Exception:  # the tracking update stays; the agent can still mark it by hand
        logger.exception("return %s: moving it to in transit failed", ret.pk)
