from __future__ import annotations

from datetime import datetime, timedelta, timezone

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models import Order

from ..choices import ACTIVE_STATUSES, Direction, ServiceType, ShipmentStatus, Source, SubStatus
from .carriers import Carrier

ACTIVE_Q = Q(status__in=[s.value for s in ACTIVE_STATUSES])


class Shipment(models.Model):
    """A parcel of an order, known by its tracking number. Its status changes only through
    services.tracking (which records a ShipmentStatusChange); the rest is what the tracking said."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order"))
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, null=True, blank=True, related_name="shipments", verbose_name=_("carrier")
    )
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=ShipmentStatus.choices, default=ShipmentStatus.PENDING, editable=False
    )
    sub_status = models.CharField(
        _("detail"), max_length=24, choices=SubStatus.choices, blank=True, default="", editable=False
    )
    destination_country = models.CharField(_("destination country"), max_length=2, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last update"), null=True, blank=True, editable=False)
    expected_delivery = models.DateField(_("expected delivery"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, editable=False)
    customs_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    customs_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    tracking_stopped_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The sender's own code of the event that set the status ("aftership:Exception_004"): what the
    # carrier reported, looked up in CarrierExceptionCode.
    reported_code = models.CharField(max_length=80, blank=True, default="", db_default="", editable=False)
    # The event that set the current status, so an older event arriving later cannot undo it.
    status_event_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_event_key = models.CharField(max_length=64, blank=True, editable=False)
    # Kinds of the shipment's open exceptions, kept beside the row so processing reads no other table.
    open_exception_kinds = models.JSONField(default=list, blank=True, editable=False)
    source = models.CharField(_("added by"), max_length=12, choices=Source.choices, default=Source.AGENT)
    # A return parcel is tracked like any other, but its delays are the return's business (it expires
    # when not sent back in time): no exception is opened for it and the customer gets no notice.
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.OUTBOUND, db_default="outbound"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(fields=["order", "tracking_number"], name="shipment_number_unique_per_order")
        ]
        indexes = [
            models.Index(fields=["tracking_number"], name="shipment_tracking_number"),
            # The stall sweep: undelivered shipments by their last update, small at any table size.
            models.Index(
                fields=["last_event_at", "id"],
                condition=ACTIVE_Q & Q(last_event_at__isnull=False),
                name="shipment_active_last_event",
            ),
            models.Index(
                fields=["created_at", "id"],
                condition=ACTIVE_Q & Q(last_event_at__isnull=True),
                name="shipment_active_no_event",
            ),
            models.Index(
                fields=["customs_started_at", "id"],
                condition=ACTIVE_Q & Q(customs_started_at__isnull=False, customs_released_at__isnull=True),
                name="shipment_in_customs",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_finished(self) -> bool:
        return self.status not in ACTIVE_STATUSES

    @property
    def stall_clock_at(self) -> datetime:
        """Since when the shipment has had no news: its last event, or its creation before any."""
        return self.last_event_at or self.created_at


class TrackingEvent(models.Model):
    """One scan of the parcel as a sender reported it: the instant in UTC, the local offset kept."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(_("time"))
    utc_offset_minutes = models.SmallIntegerField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=ShipmentStatus.choices, blank=True)
    sub_status = models.CharField(_("detail"), max_length=24, choices=SubStatus.choices, blank=True)
    raw_status = models.CharField(max_length=60, blank=True)
    raw_sub_status = models.CharField(max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    fingerprint = models.CharField(max_length=64)
    delivery = models.ForeignKey(
        "logistics.WebhookDelivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "fingerprint"], name="tracking_event_unique_content")
        ]
        indexes = [models.Index(fields=["shipment", "-occurred_at"], name="tracking_event_timeline")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.status} {self.description[:40]}"

    @property
    def local_time(self) -> datetime:
        """The time as the carrier printed it, in its own offset."""
        if self.utc_offset_minutes is None:
            return self.occurred_at
        return self.occurred_at.astimezone(timezone(timedelta(minutes=self.utc_offset_minutes)))


class ShipmentStatusChange(models.Model):
    """The history of a shipment's status: what changed, from which event or by whom, when."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=24, blank=True)
    new_status = models.CharField(max_length=24, choices=ShipmentStatus.choices)
    old_sub_status = models.CharField(max_length=24, blank=True)
    new_sub_status = models.CharField(max_length=24, choices=SubStatus.choices, blank=True)
    event_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.old_status} -> {self.new_status}"
