"""Returns and exchanges: the request, its history, and the return addresses per country.

A return's state changes only through returns.services, which record one ReturnEvent per step."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from logistics.models import Shipment
from policies.models import CompensationRequest
from tickets.models import Order, Ticket


class ReturnKind(models.TextChoices):
    RETURN = "return", _("Return for a refund")
    EXCHANGE = "exchange", _("Exchange")


class ReturnReason(models.TextChoices):
    NO_REASON = "no_reason", _("No reason (changed their mind)")
    DAMAGED = "damaged", _("Damaged goods")
    WRONG_ITEM = "wrong_item", _("Wrong item or size")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")


class ReturnState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    LABEL_SENT = "label_sent", _("Label sent")
    IN_TRANSIT = "in_transit", _("On its way back")
    RECEIVED = "received", _("Received")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    EXCHANGED = "exchanged", _("Exchanged")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class ShippingPayer(models.TextChoices):
    CUSTOMER = "customer", _("The customer")
    SHOP = "shop", _("The shop")


# Waiting for the parcel: the expiry sweep reads these through a partial index.
AWAITING_PARCEL = (ReturnState.APPROVED, ReturnState.LABEL_SENT)
AWAITING_PARCEL_Q = Q(state__in=[s.value for s in AWAITING_PARCEL])


class ReturnAddress(models.Model):
    """Where customers of a country send their returns (one per country, kept in the admin)."""

    country = models.CharField(_("country"), max_length=2, unique=True, help_text=_("ISO 3166 alpha-2"))
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"))

    class Meta:
        ordering = ["country"]
        verbose_name = _("return address")
        verbose_name_plural = _("return addresses")

    def __str__(self) -> str:
        return f"{self.country}: {self.name}"


class ReturnRequest(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns", verbose_name=_("order"))
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="returns", verbose_name=_("ticket"))
    kind = models.CharField(_("kind"), max_length=10, choices=ReturnKind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    reason_detail = models.TextField(_("reason in words"), blank=True)
    # [{"sku": "TS-42-BLUE", "quantity": 1}, ...]
    items = models.JSONField(_("items"), default=list)
    state = models.CharField(
        _("state"), max_length=12, choices=ReturnState.choices, default=ReturnState.REQUESTED, editable=False
    )
    return_shipping_paid_by = models.CharField(
        _("return shipping paid by"), max_length=10, choices=ShippingPayer.choices
    )
    refund_amount = models.DecimalField(_("refund amount"), max_digits=14, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3)
    # The facts eligibility was judged on, kept as they were.
    delivered_at = models.DateTimeField(_("delivered at"))
    days_since_delivery = models.PositiveIntegerField(_("days since delivery"))
    compensation = models.OneToOneField(
        CompensationRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="return_request"
    )
    return_address = models.ForeignKey(
        ReturnAddress, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("return address")
    )
    label_file = models.FileField(_("label file"), upload_to="returns/labels/", blank=True)
    label_url = models.CharField(_("label link"), max_length=500, blank=True)  # checked as a URL by the service
    return_shipment = models.OneToOneField(
        Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="return_request"
    )
    reshipment = models.OneToOneField(
        Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="exchange_for"
    )
    deadline = models.DateTimeField(_("send back by"), null=True, blank=True)
    inspection_passed = models.BooleanField(_("inspection passed"), null=True, blank=True)
    inspection_note = models.TextField(_("inspection note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("return or exchange")
        verbose_name_plural = _("returns and exchanges")
        indexes = [
            models.Index(fields=["deadline", "id"], condition=AWAITING_PARCEL_Q, name="return_awaiting_deadline"),
            models.Index(fields=["ticket", "-created_at"], name="return_ticket_recent"),
            models.Index(fields=["order", "state"], name="return_order_state"),
        ]
        constraints = [models.CheckConstraint(condition=Q(refund_amount__gte=0), name="return_amount_not_negative")]

    def __str__(self) -> str:
        return _("Return %(number)s") % {"number": self.reference}

    @property
    def reference(self) -> str:
        return f"R-{self.pk}"

    @property
    def is_exchange(self) -> bool:
        return self.kind == ReturnKind.EXCHANGE


class ReturnEvent(models.Model):
    """One step of a return: who, when, why, from which state to which."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    old_state = models.CharField(max_length=12, choices=ReturnState.choices, blank=True)
    new_state = models.CharField(max_length=12, choices=ReturnState.choices)
    note = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("return event")
        verbose_name_plural = _("return events")

    def __str__(self) -> str:
        return f"{self.return_request_id}: {self.old_state} -> {self.new_state}"
