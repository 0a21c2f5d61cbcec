"""The one vocabulary of the logistics app: normalised statuses, sub-statuses, service types,
exception kinds and webhook senders. Both aggregators' codes are mapped onto it in mapping.py."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShipmentStatus(models.TextChoices):
    # "pending" is the state before the first carrier scan (AfterShip Pending, 17TRACK NotFound,
    # a number an agent just added); the ten others are the normalised set of the specification.
    PENDING = "pending", _("Awaiting information")
    INFO_RECEIVED = "info_received", _("Info received")
    IN_TRANSIT = "in_transit", _("In transit")
    CUSTOMS = "customs", _("In customs")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    AVAILABLE_FOR_PICKUP = "available_for_pickup", _("Available for pickup")
    DELIVERED = "delivered", _("Delivered")
    FAILED_ATTEMPT = "failed_attempt", _("Failed attempt")
    EXCEPTION = "exception", _("Exception")
    RETURNED = "returned", _("Returned")
    EXPIRED = "expired", _("Expired")


# Where a parcel's journey is over: no stall is watched for, no new exception is opened.
FINISHED_STATUSES = (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.EXPIRED)
ACTIVE_STATUSES = tuple(s for s in ShipmentStatus if s not in FINISHED_STATUSES)

# Ties between events at the same instant go to the one further along the journey.
STATUS_RANK: dict[str, int] = {
    ShipmentStatus.PENDING: 0,
    ShipmentStatus.INFO_RECEIVED: 1,
    ShipmentStatus.IN_TRANSIT: 2,
    ShipmentStatus.CUSTOMS: 3,
    ShipmentStatus.OUT_FOR_DELIVERY: 4,
    ShipmentStatus.AVAILABLE_FOR_PICKUP: 5,
    ShipmentStatus.FAILED_ATTEMPT: 6,
    ShipmentStatus.EXCEPTION: 7,
    ShipmentStatus.EXPIRED: 8,
    ShipmentStatus.RETURNED: 9,
    ShipmentStatus.DELIVERED: 10,
}


class SubStatus(models.TextChoices):
    NONE = "", _("(none)")
    PICKED_UP = "picked_up", _("Picked up")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived at a facility")
    ARRIVED_DESTINATION = "arrived_destination", _("Arrived in the destination country")
    CUSTOMS_STARTED = "customs_started", _("Customs clearance started")
    CUSTOMS_RELEASED = "customs_released", _("Customs clearance completed")
    CUSTOMS_DELAYED = "customs_delayed", _("Delayed in customs clearance")
    CUSTOMS_DOCUMENTS = "customs_documents", _("Customs: documents missing or incorrect")
    CUSTOMS_DUTIES = "customs_duties", _("Customs: held for payment of duties")
    CUSTOMS_SECURITY = "customs_security", _("Customs, security or fee issue")
    RECIPIENT_UNAVAILABLE = "recipient_unavailable", _("Recipient not available")
    ADDRESS_ISSUE = "address_issue", _("Address problem")
    REFUSED = "refused", _("Refused by the recipient")
    REJECTED = "rejected", _("Rejected by the carrier")
    DELAYED = "delayed", _("Delayed")
    RETURNING = "returning", _("Returning to sender")
    RETURNED = "returned", _("Returned to sender")
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")
    DESTROYED = "destroyed", _("Destroyed or disposed of")
    CANCELLED = "cancelled", _("Cancelled")


CUSTOMS_START_SUBS = frozenset(
    {
        SubStatus.CUSTOMS_STARTED,
        SubStatus.CUSTOMS_DELAYED,
        SubStatus.CUSTOMS_DOCUMENTS,
        SubStatus.CUSTOMS_DUTIES,
        SubStatus.CUSTOMS_SECURITY,
    }
)
CUSTOMS_ISSUE_SUBS = frozenset({SubStatus.CUSTOMS_DOCUMENTS, SubStatus.CUSTOMS_DUTIES, SubStatus.CUSTOMS_SECURITY})
CUSTOMS_SUBS = CUSTOMS_START_SUBS | {SubStatus.CUSTOMS_RELEASED}


class ServiceType(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    EXPRESS = "express", _("Express")
    DEDICATED_LINE = "dedicated_line", _("Dedicated line")
    POSTAL = "postal", _("Postal")


class ExceptionKind(models.TextChoices):
    CUSTOMS_HELD = "customs_held", _("Held in customs too long")
    CUSTOMS_DELAY = "customs_delay", _("Customs delay reported by the carrier")
    DUTIES_HELD = "duties_held", _("Held in customs for duties")
    DOCUMENTS_MISSING = "documents_missing", _("Customs documents missing")
    CUSTOMS_ISSUE = "customs_issue", _("Customs problem (documents, duties)")
    STALLED = "stalled", _("No tracking update")
    TRACKING_STOPPED = "tracking_stopped", _("Tracking stopped before delivery")
    FAILED_ATTEMPT = "failed_attempt", _("Failed delivery attempt")
    ADDRESS_PROBLEM = "address_problem", _("Address problem")
    RETURNED = "returned", _("Returning or returned to sender")
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")
    OTHER = "other", _("Other carrier exception")


# Kinds with a time threshold; the others open as soon as the tracking shows them.
TIMED_KINDS = (ExceptionKind.CUSTOMS_HELD, ExceptionKind.STALLED)

# What a kind means for the customer: a notice tells of one of these; a later kind of another,
# graver group is a material change (customs to lost, say), one of the same group is not.
KIND_GROUPS: dict[str, str] = {
    ExceptionKind.CUSTOMS_HELD: "customs",
    ExceptionKind.CUSTOMS_DELAY: "customs",
    ExceptionKind.DUTIES_HELD: "customs",
    ExceptionKind.DOCUMENTS_MISSING: "customs",
    ExceptionKind.CUSTOMS_ISSUE: "customs",
    ExceptionKind.STALLED: "delay",
    ExceptionKind.TRACKING_STOPPED: "delay",
    ExceptionKind.OTHER: "delay",
    ExceptionKind.FAILED_ATTEMPT: "delivery",
    ExceptionKind.ADDRESS_PROBLEM: "delivery",
    ExceptionKind.RETURNED: "loss",
    ExceptionKind.LOST: "loss",
    ExceptionKind.DAMAGED: "loss",
}
GROUP_GRAVITY = {"delay": 1, "customs": 2, "delivery": 3, "loss": 4}
# How precisely a kind knows the trouble: the carrier's own word beats a threshold we inferred, and a
# specific word beats a general one. The notice states the delay of the most precise open kind.
KIND_PRECISION: dict[str, int] = {
    ExceptionKind.STALLED: 0,
    ExceptionKind.CUSTOMS_HELD: 1,
    ExceptionKind.OTHER: 1,
    ExceptionKind.TRACKING_STOPPED: 2,
    ExceptionKind.CUSTOMS_ISSUE: 2,
    ExceptionKind.CUSTOMS_DELAY: 3,
    ExceptionKind.FAILED_ATTEMPT: 3,
    ExceptionKind.DUTIES_HELD: 4,
    ExceptionKind.DOCUMENTS_MISSING: 4,
    ExceptionKind.ADDRESS_PROBLEM: 4,
    ExceptionKind.RETURNED: 4,
    ExceptionKind.LOST: 5,
    ExceptionKind.DAMAGED: 5,
}


class Sender(models.TextChoices):
    AFTERSHIP = "aftership", "AfterShip"
    SEVENTEENTRACK = "17track", "17TRACK"


class Direction(models.TextChoices):
    """Which way a parcel travels: to the customer, or back from them (a return)."""

    OUTBOUND = "outbound", _("to the customer")
    RETURN = "return", _("back from the customer")


class Source(models.TextChoices):
    AFTERSHIP = "aftership", "AfterShip"
    SEVENTEENTRACK = "17track", "17TRACK"
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")
