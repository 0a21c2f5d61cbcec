"""Every write of the returns app: one service per step of a return."""

from .eligibility import Eligibility, calendar_days, check_eligibility, delivered_at
from .parcel import (
    return_address_for,
    return_expire,
    return_inspect,
    return_mark_in_transit,
    return_receive,
    return_send_label,
    returns_expire_due,
)
from .review import return_approve, return_reject, return_request, return_review_decided
from .settle import return_close, return_exchange, return_refund

__all__ = [
    "Eligibility",
    "calendar_days",
    "check_eligibility",
    "delivered_at",
    "return_address_for",
    "return_approve",
    "return_close",
    "return_exchange",
    "return_expire",
    "return_inspect",
    "return_mark_in_transit",
    "return_receive",
    "return_refund",
    "return_reject",
    "return_request",
    "return_review_decided",
    "return_send_label",
    "returns_expire_due",
]
