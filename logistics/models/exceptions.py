from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models import Priority, Ticket

from ..choices import TIMED_KINDS, ExceptionKind, ServiceType
from .shipments import Shipment


class ExceptionRule(models.Model):
    """When a kind of trouble counts as an exception, and what happens then. The most specific
    rule wins: country and service type, then country, then service type, then the default
    (both blank). An inactive specific rule switches the kind off where it applies."""

    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    destination_country = models.CharField(
        _("destination country"), max_length=2, blank=True, help_text=_("ISO 3166 alpha-2; blank for any.")
    )
    service_type = models.CharField(
        _("service type"), max_length=20, choices=ServiceType.choices, blank=True, help_text=_("Blank for any.")
    )
    threshold_hours = models.PositiveIntegerField(
        _("threshold (hours)"),
        null=True,
        blank=True,
        help_text=_("Customs: hours between clearance started and released. No update: hours without news."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    open_ticket = models.BooleanField(_("open or join a logistics ticket"), default=True)
    notify_customer = models.BooleanField(_("tell the customer by email"), default=True)
    ticket_priority = models.PositiveSmallIntegerField(
        _("ticket priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    expected_delay_days = models.PositiveSmallIntegerField(
        _("expected delay (days)"), null=True, blank=True, help_text=_("Told to the customer; blank to say nothing.")
    )
    offer_coupon = models.BooleanField(
        _("propose a coupon"), default=False, help_text=_("Through the compensation rules: limits and approvals apply.")
    )
    coupon_percent = models.DecimalField(
        _("coupon percent"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    customer_note = models.TextField(
        _("note for the customer"), blank=True, help_text=_("Added to the email; translated per language.")
    )

    class Meta:
        ordering = ["kind", "destination_country", "service_type"]
        verbose_name = _("exception rule")
        verbose_name_plural = _("exception rules")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "destination_country", "service_type"], name="exception_rule_unique_scope"
            )
        ]

    def __str__(self) -> str:
        scope = " / ".join(x for x in (self.destination_country, self.get_service_type_display()) if x)
        return f"{self.get_kind_display()} ({scope or _('default')})"

    def clean(self) -> None:
        if self.kind in TIMED_KINDS and not self.threshold_hours:
            raise ValidationError({"threshold_hours": _("This kind needs a threshold.")})
        self.destination_country = (self.destination_country or "").upper()

    @property
    def specificity(self) -> int:
        return (2 if self.destination_country else 0) + (1 if self.service_type else 0)


class ShipmentException(models.Model):
    """Trouble detected on a shipment. At most one open per shipment and kind; acted on once
    (ticket, customer email, coupon proposal) by services.alerts, found by a sweep if the task
    was lost."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    rule = models.ForeignKey(ExceptionRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    # Copied at detection, so the exceptions page groups without joining the shipment's carrier.
    carrier_name = models.CharField(_("carrier"), max_length=100, blank=True)
    destination_country = models.CharField(_("destination country"), max_length=2, blank=True)
    detected_at = models.DateTimeField(_("detected at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ticket")
    )
    customer_notified = models.BooleanField(_("customer told"), default=False)
    # The compensation request proposed for it (policies.CompensationRequest id; a plain id so this
    # app's migrations do not depend on the compensation app's), and what became of it.
    coupon_request_id = models.PositiveBigIntegerField(null=True, blank=True)
    coupon_state = models.CharField(_("coupon"), max_length=12, blank=True)
    episode = models.ForeignKey(
        "logistics.ExceptionEpisode", on_delete=models.SET_NULL, null=True, blank=True, related_name="exceptions"
    )

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("shipment exception")
        verbose_name_plural = _("shipment exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "kind"], condition=Q(resolved_at__isnull=True), name="one_open_exception_per_kind"
            )
        ]
        indexes = [
            models.Index(fields=["detected_at", "id"], condition=Q(acted_at__isnull=True), name="exception_to_act"),
            models.Index(
                fields=["carrier_name", "destination_country"],
                condition=Q(resolved_at__isnull=True),
                name="exception_open_by_carrier",
            ),
            models.Index(fields=["detected_at"], name="exception_detected"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.shipment_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
