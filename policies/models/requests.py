from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from helpdesk.money import quantize
from tickets.models import Customer, Order, Ticket


class Kind(models.TextChoices):
    PARTIAL_REFUND = "partial_refund", _("Partial refund")
    FULL_REFUND = "full_refund", _("Full refund")
    COUPON = "coupon", _("Coupon")
    RESHIPMENT = "reshipment", _("Free reshipment")
    RETURN_EXCHANGE = "return_exchange", _("Free return or exchange")
    GIFT = "gift", _("Gift")
    CUSTOM = "custom", _("Custom arrangement")


class Reason(models.TextChoices):
    DAMAGED = "damaged", _("Damaged goods")
    LOST = "lost", _("Lost parcel")
    LATE = "late", _("Late delivery")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    WRONG_ITEM = "wrong_item", _("Wrong item or size")
    QUALITY = "quality", _("Quality problem")
    GOODWILL = "goodwill", _("Goodwill")
    OTHER = "other", _("Other (explain)")


class CouponType(models.TextChoices):
    PERCENT = "percent", _("Percent off")
    AMOUNT = "amount", _("Amount off")


class MessageMode(models.TextChoices):
    NOTE = "note", _("Internal note")
    REPLY = "reply", _("Public reply to the customer")


class RequestState(models.TextChoices):
    PENDING = "pending", _("Waiting for a supervisor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


PENDING_Q = Q(state=RequestState.PENDING)
COUNTED_STATES = (RequestState.PENDING, RequestState.APPROVED)


class RecordIsFinal(Exception):
    """A decided request, a decision or a grant was about to be changed or deleted."""


class FinalRecordQuerySet(models.QuerySet):
    def delete(self) -> Any:
        raise RecordIsFinal("compensation records cannot be deleted")


class CompensationRequest(models.Model):
    """An agent's offer of compensation on a ticket; approved at once within their tier's
    authority, else pending until a supervisor decides. Once decided it never changes
    (enforced here, in the services' compare-and-set, and by a PostgreSQL trigger)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="compensation_requests")
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="compensation_requests"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="compensation_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requester_tier = models.CharField(_("requester's tier"), max_length=2, blank=True)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    reason_detail = models.TextField(_("reason in words"), blank=True)
    items = models.TextField(_("items to reship"), blank=True)
    description = models.TextField(_("description"), blank=True)
    coupon_type = models.CharField(_("coupon type"), max_length=10, choices=CouponType.choices, blank=True)
    coupon_percent = models.DecimalField(_("percent off"), max_digits=5, decimal_places=2, null=True, blank=True)
    coupon_valid_until = models.DateField(_("coupon valid until"), null=True, blank=True)
    is_exchange = models.BooleanField(_("exchange rather than return"), default=False)
    customer_pays_return_shipping = models.BooleanField(_("customer pays return shipping"), default=False)

    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=3)
    rate = models.DecimalField(_("units per USD used"), max_digits=20, decimal_places=10)
    rate_date = models.DateField(_("rate date"))
    amount_usd = models.DecimalField(_("amount in USD"), max_digits=14, decimal_places=2)

    message_mode = models.CharField(
        _("tell the ticket as"), max_length=10, choices=MessageMode.choices, default=MessageMode.NOTE
    )
    message = models.TextField(_("message"), blank=True)
    # Set by a requester that tells the customer itself what was granted at once (the logistics
    # notice carries the coupon code): the separate email about an immediate grant is then not sent.
    requester_tells_customer = models.BooleanField(
        _("requester tells the customer"), default=False, db_default=False, editable=False
    )

    state = models.CharField(_("state"), max_length=10, choices=RequestState.choices)
    waiting_reasons = models.JSONField(_("why a supervisor must decide"), default=list, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # The approval SLA as data: the sweep finds rows whose next step is due by sla_due_at.
    remind_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    objects = FinalRecordQuerySet.as_manager()
    _stored_state: str | None = None  # the state as loaded: decided rows refuse to save

    class Meta:
        verbose_name = _("compensation request")
        verbose_name_plural = _("compensation requests")
        indexes = [
            models.Index(fields=["created_at", "id"], condition=PENDING_Q, name="comp_pending_oldest"),
            models.Index(
                fields=["sla_due_at"], condition=PENDING_Q & Q(sla_due_at__isnull=False), name="comp_pending_sla_due"
            ),
            models.Index(fields=["ticket", "state"], name="comp_ticket_state"),
            models.Index(fields=["order", "state"], name="comp_order_state"),
            models.Index(fields=["customer", "-created_at"], name="comp_customer_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="comp_amount_not_negative"),
            models.CheckConstraint(condition=PENDING_Q | Q(decided_at__isnull=False), name="comp_decided_has_time"),
        ]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.get_kind_display()} {self.currency} {self.amount_display} ({self.get_state_display()})"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self._stored_state != RequestState.PENDING:
            raise RecordIsFinal("a decided compensation request cannot be changed")
        super().save(*args, **kwargs)
        self._stored_state = self.state

    def get_absolute_url(self) -> str:
        return reverse("policies:request", args=[self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RecordIsFinal("compensation requests cannot be deleted")

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> CompensationRequest:
        instance = super().from_db(db, field_names, values)
        instance._stored_state = instance.__dict__.get("state")
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._stored_state = self.__dict__.get("state")

    @property
    def amount_display(self) -> Decimal:
        """The amount with exactly its currency's decimals (the column keeps three)."""
        return quantize(self.amount, self.currency)

    @property
    def rate_display(self) -> str:
        return format(self.rate.normalize(), "f")

    @property
    def is_pending(self) -> bool:
        return self.state == RequestState.PENDING

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None


class _AppendOnly(models.Model):
    """Rows written once: no update, no delete, from the ORM or (by trigger) from SQL."""

    objects = FinalRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RecordIsFinal(f"{type(self).__name__} rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RecordIsFinal(f"{type(self).__name__} rows cannot be deleted")


class DecisionLog(_AppendOnly):
    """The decision on a request: who, when, why and at what rate. One per request (unique),
    so two supervisors deciding at once can never both be recorded."""

    request = models.OneToOneField(CompensationRequest, on_delete=models.PROTECT, related_name="decision_log")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    automatic = models.BooleanField(_("within the agent's authority"), default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=14, decimal_places=3)
    rate = models.DecimalField(max_digits=20, decimal_places=10)
    rate_date = models.DateField()
    amount_usd = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decision log")

    def __str__(self) -> str:
        return _("#%(request)s %(decision)s by %(person)s on %(when)s") % {
            "request": self.request_id,
            "decision": self.get_decision_display(),
            "person": self.actor.get_full_name() or self.actor.get_username(),
            "when": date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT"),
        }

    @property
    def rate_display(self) -> str:
        return format(self.rate.normalize(), "f")


class CompensationGrant(_AppendOnly):
    """What is owed to the customer after an approval: the one payout record per request."""

    request = models.OneToOneField(CompensationRequest, on_delete=models.PROTECT, related_name="grant")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=14, decimal_places=3)
    amount_usd = models.DecimalField(max_digits=14, decimal_places=2)
    coupon_code = models.CharField(_("coupon code"), max_length=32, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self) -> str:
        return f"#{self.request_id} {self.kind} {self.currency} {self.amount}"
