from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import Sender


class WebhookDelivery(models.Model):
    """A webhook body exactly as received, stored before anything else happens: the endpoint
    answers once this row exists, and processing (a task, or the sweep) works from it.

    Unique per sender and dedup key (AfterShip's event_id, or a hash of a 17TRACK body), so a
    repeated delivery is recognised and changes nothing."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Waiting to be processed")
        PROCESSED = "processed", _("Processed")
        UNMATCHED = "unmatched", _("No shipment with this tracking number yet")
        IGNORED = "ignored", _("Not a tracking update")
        FAILED = "failed", _("Failed")

    sender = models.CharField(_("sender"), max_length=12, choices=Sender.choices)
    dedup_key = models.CharField(max_length=100)
    body = models.BinaryField(_("raw body"))
    signature_key = models.PositiveSmallIntegerField(
        default=0, help_text=_("Which configured secret verified the signature (0 = the first).")
    )
    event_type = models.CharField(_("event"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    carrier_code = models.CharField(_("carrier code"), max_length=60, blank=True)
    # The order number the body names (AfterShip order_number, 17TRACK tag), without "#": an
    # unmatched delivery is matched when that order is created.
    order_reference = models.CharField(_("order reference"), max_length=100, blank=True, default="", db_default="")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RECEIVED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    shipment = models.ForeignKey(
        "logistics.Shipment", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    received_at = models.DateTimeField(_("received at"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["sender", "dedup_key"], name="webhook_delivery_unique"),
        ]
        indexes = [
            # The catch-up sweep: stored but not yet processed.
            models.Index(fields=["received_at", "id"], condition=Q(state="received"), name="webhook_waiting"),
            # Matched when the shipment is added later.
            models.Index(fields=["tracking_number"], condition=Q(state="unmatched"), name="webhook_unmatched"),
            models.Index(
                fields=["order_reference"],
                condition=Q(state="unmatched") & ~Q(order_reference=""),
                name="webhook_unmatched_order",
            ),
            models.Index(fields=["processed_at"], condition=Q(processed_at__isnull=False), name="webhook_processed"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} {self.tracking_number or self.dedup_key[:20]} ({self.state})"
