"""Mapping tables from each aggregator's codes to the normalised statuses (choices.py).

A sub-status we do not know falls back to its main status (the part before "_", which both
senders use as a prefix) and is logged once per process; it is never a reason to refuse a
delivery. A main status we do not know maps to None: the event is kept and counts as an
update, but it does not change the shipment's status.
"""

from __future__ import annotations

import logging

from .choices import ShipmentStatus as S
from .choices import SubStatus as Sub

logger = logging.getLogger(__name__)

Mapped = tuple[str, str]  # (status, sub_status)

AFTERSHIP_TAGS: dict[str, str] = {
    "Pending": S.PENDING,
    "InfoReceived": S.INFO_RECEIVED,
    "InTransit": S.IN_TRANSIT,
    "OutForDelivery": S.OUT_FOR_DELIVERY,
    "AttemptFail": S.FAILED_ATTEMPT,
    "Delivered": S.DELIVERED,
    "AvailableForPickup": S.AVAILABLE_FOR_PICKUP,
    "Exception": S.EXCEPTION,
    "Expired": S.EXPIRED,
}

AFTERSHIP_SUBTAGS: dict[str, Mapped] = {
    "Pending_001": (S.PENDING, Sub.NONE),
    "InfoReceived_001": (S.INFO_RECEIVED, Sub.NONE),
    "InTransit_001": (S.IN_TRANSIT, Sub.NONE),
    "InTransit_002": (S.IN_TRANSIT, Sub.PICKED_UP),  # acceptance scan
    "InTransit_003": (S.IN_TRANSIT, Sub.ARRIVED),  # arrival scan
    "InTransit_004": (S.IN_TRANSIT, Sub.ARRIVED_DESTINATION),
    "InTransit_005": (S.IN_TRANSIT, Sub.CUSTOMS_RELEASED),
    "InTransit_006": (S.CUSTOMS, Sub.CUSTOMS_STARTED),
    "InTransit_007": (S.IN_TRANSIT, Sub.DEPARTED),
    "InTransit_008": (S.IN_TRANSIT, Sub.NONE),  # problem resolved
    "InTransit_009": (S.IN_TRANSIT, Sub.NONE),  # forwarded to another address
    "OutForDelivery_001": (S.OUT_FOR_DELIVERY, Sub.NONE),
    "OutForDelivery_003": (S.OUT_FOR_DELIVERY, Sub.NONE),  # customer contacted
    "OutForDelivery_004": (S.OUT_FOR_DELIVERY, Sub.NONE),  # delivery appointment
    "AttemptFail_001": (S.FAILED_ATTEMPT, Sub.RECIPIENT_UNAVAILABLE),
    "AttemptFail_002": (S.FAILED_ATTEMPT, Sub.RECIPIENT_UNAVAILABLE),  # business closed
    "AttemptFail_003": (S.FAILED_ATTEMPT, Sub.RECIPIENT_UNAVAILABLE),
    "Delivered_001": (S.DELIVERED, Sub.NONE),
    "Delivered_002": (S.DELIVERED, Sub.NONE),  # picked up by the customer
    "Delivered_003": (S.DELIVERED, Sub.NONE),  # signed by the customer
    "Delivered_004": (S.DELIVERED, Sub.NONE),  # cash on delivery
    "Delivered_005": (S.DELIVERED, Sub.NONE),  # to a neighbour
    "AvailableForPickup_001": (S.AVAILABLE_FOR_PICKUP, Sub.NONE),
    "Exception_001": (S.EXCEPTION, Sub.NONE),
    "Exception_002": (S.EXCEPTION, Sub.ADDRESS_ISSUE),  # customer moved
    "Exception_003": (S.EXCEPTION, Sub.REFUSED),
    "Exception_004": (S.CUSTOMS, Sub.CUSTOMS_DELAYED),
    "Exception_005": (S.EXCEPTION, Sub.DELAYED),  # external factors
    "Exception_006": (S.CUSTOMS, Sub.CUSTOMS_DUTIES),  # held for payment
    "Exception_007": (S.EXCEPTION, Sub.ADDRESS_ISSUE),
    "Exception_008": (S.EXCEPTION, Sub.NONE),  # pickup missed
    "Exception_009": (S.EXCEPTION, Sub.REJECTED),
    "Exception_010": (S.EXCEPTION, Sub.RETURNING),
    "Exception_011": (S.RETURNED, Sub.RETURNED),
    "Exception_012": (S.EXCEPTION, Sub.DAMAGED),
    "Exception_013": (S.EXCEPTION, Sub.LOST),
    "Exception_016": (S.EXCEPTION, Sub.DELAYED),  # processing issue
    "Exception_017": (S.EXCEPTION, Sub.DELAYED),  # extreme weather
    "Exception_018": (S.CUSTOMS, Sub.CUSTOMS_DOCUMENTS),
    "Exception_021": (S.EXCEPTION, Sub.DESTROYED),  # disposed
    "Expired_001": (S.EXPIRED, Sub.NONE),
}

SEVENTEENTRACK_STATUSES: dict[str, str] = {
    "NotFound": S.PENDING,
    "InfoReceived": S.INFO_RECEIVED,
    "InTransit": S.IN_TRANSIT,
    "Expired": S.EXPIRED,
    "AvailableForPickup": S.AVAILABLE_FOR_PICKUP,
    "OutForDelivery": S.OUT_FOR_DELIVERY,
    "DeliveryFailure": S.FAILED_ATTEMPT,
    "Delivered": S.DELIVERED,
    "Exception": S.EXCEPTION,
}

SEVENTEENTRACK_SUB_STATUSES: dict[str, Mapped] = {
    "NotFound_Other": (S.PENDING, Sub.NONE),
    "NotFound_InvalidCode": (S.PENDING, Sub.NONE),
    "InfoReceived": (S.INFO_RECEIVED, Sub.NONE),
    "InTransit_PickedUp": (S.IN_TRANSIT, Sub.PICKED_UP),
    "InTransit_Other": (S.IN_TRANSIT, Sub.NONE),
    "InTransit_Departure": (S.IN_TRANSIT, Sub.DEPARTED),
    "InTransit_Arrival": (S.IN_TRANSIT, Sub.ARRIVED),
    "InTransit_CustomsProcessing": (S.CUSTOMS, Sub.CUSTOMS_STARTED),
    "InTransit_CustomsReleased": (S.IN_TRANSIT, Sub.CUSTOMS_RELEASED),
    "InTransit_CustomsRequiringInformation": (S.CUSTOMS, Sub.CUSTOMS_DOCUMENTS),
    "Expired_Other": (S.EXPIRED, Sub.NONE),
    "AvailableForPickup_Other": (S.AVAILABLE_FOR_PICKUP, Sub.NONE),
    "OutForDelivery_Other": (S.OUT_FOR_DELIVERY, Sub.NONE),
    "DeliveryFailure_Other": (S.FAILED_ATTEMPT, Sub.NONE),
    "DeliveryFailure_NoBody": (S.FAILED_ATTEMPT, Sub.RECIPIENT_UNAVAILABLE),
    "DeliveryFailure_Security": (S.CUSTOMS, Sub.CUSTOMS_SECURITY),
    "DeliveryFailure_Rejected": (S.FAILED_ATTEMPT, Sub.REFUSED),
    "DeliveryFailure_InvalidAddress": (S.FAILED_ATTEMPT, Sub.ADDRESS_ISSUE),
    "Delivered_Other": (S.DELIVERED, Sub.NONE),
    "Exception_Other": (S.EXCEPTION, Sub.NONE),
    "Exception_Returning": (S.EXCEPTION, Sub.RETURNING),
    "Exception_Returned": (S.RETURNED, Sub.RETURNED),
    "Exception_NoBody": (S.EXCEPTION, Sub.RECIPIENT_UNAVAILABLE),
    "Exception_Security": (S.CUSTOMS, Sub.CUSTOMS_SECURITY),
    "Exception_Damage": (S.EXCEPTION, Sub.DAMAGED),
    "Exception_Rejected": (S.EXCEPTION, Sub.REFUSED),
    "Exception_Delayed": (S.EXCEPTION, Sub.DELAYED),
    "Exception_Lost": (S.EXCEPTION, Sub.LOST),
    "Exception_Destroyed": (S.EXCEPTION, Sub.DESTROYED),
    "Exception_Cancel": (S.EXCEPTION, Sub.CANCELLED),
}

# 17TRACK events also name a milestone "stage"; used when an event has no sub-status.
SEVENTEENTRACK_STAGES: dict[str, Mapped] = {
    "InfoReceived": (S.INFO_RECEIVED, Sub.NONE),
    "PickedUp": (S.IN_TRANSIT, Sub.PICKED_UP),
    "Departure": (S.IN_TRANSIT, Sub.DEPARTED),
    "Arrival": (S.IN_TRANSIT, Sub.ARRIVED),
    "AvailableForPickup": (S.AVAILABLE_FOR_PICKUP, Sub.NONE),
    "OutForDelivery": (S.OUT_FOR_DELIVERY, Sub.NONE),
    "Delivered": (S.DELIVERED, Sub.NONE),
    "Returning": (S.EXCEPTION, Sub.RETURNING),
    "Returned": (S.RETURNED, Sub.RETURNED),
}

_reported: set[tuple[str, str]] = set()


def _report_unknown(sender: str, code: str, fallback: str | None) -> None:
    if (sender, code) in _reported or len(_reported) > 10_000:
        return
    _reported.add((sender, code))
    logger.warning("unknown %s status code %r: counted as %s", sender, code, fallback or "no status")


def aftership_status(tag: str | None, subtag: str | None) -> tuple[str | None, str]:
    """(status, sub_status) of an AfterShip tag/subtag; status None when even the tag is unknown."""
    tag, subtag = (tag or "").strip(), (subtag or "").strip()
    if subtag in AFTERSHIP_SUBTAGS:
        return AFTERSHIP_SUBTAGS[subtag]
    main = AFTERSHIP_TAGS.get(tag) or AFTERSHIP_TAGS.get(subtag.split("_", 1)[0])
    if subtag or main is None:
        _report_unknown("aftership", subtag or tag, main)
    return main, Sub.NONE


def seventeentrack_status(
    status: str | None, sub_status: str | None, stage: str | None = None
) -> tuple[str | None, str]:
    """(status, sub_status) of a 17TRACK status/sub-status (or an event's stage)."""
    status, sub_status, stage = (status or "").strip(), (sub_status or "").strip(), (stage or "").strip()
    if sub_status in SEVENTEENTRACK_SUB_STATUSES:
        return SEVENTEENTRACK_SUB_STATUSES[sub_status]
    if not sub_status and stage in SEVENTEENTRACK_STAGES:
        return SEVENTEENTRACK_STAGES[stage]
    main = SEVENTEENTRACK_STATUSES.get(status) or SEVENTEENTRACK_STATUSES.get(sub_status.split("_", 1)[0])
    if sub_status or main is None:
        _report_unknown("17track", sub_status or status or stage, main)
    return main, Sub.NONE
