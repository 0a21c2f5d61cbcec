"""The kinds of ticket history entry a return writes, one per step, each with a translated label."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnEventKind(models.TextChoices):
    REQUESTED = "return_requested", _("Return requested")
    REVIEW = "return_review", _("Return waiting for a supervisor")
    APPROVED = "return_approved", _("Return approved")
    REJECTED = "return_rejected", _("Return rejected")
    LABEL_SENT = "return_label_sent", _("Return label sent")
    IN_TRANSIT = "return_in_transit", _("Return parcel on its way back")
    RECEIVED = "return_received", _("Return received")
    INSPECTED = "return_inspected", _("Return inspected")
    REFUNDED = "return_refunded", _("Return refunded")
    EXCHANGED = "return_exchanged", _("Exchange reshipped")
    CLOSED = "return_closed", _("Return closed")
    EXPIRED = "return_expired", _("Return expired")


def kind_for_state(state: str) -> str:
    return f"return_{state}"
