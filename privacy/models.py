from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tickets.models import Customer


class ErasureRequest(models.Model):
    """A customer's request to be forgotten: carried out by a sweep once its grace period is over."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the grace period")
        CANCELLED = "cancelled", _("cancelled")
        DONE = "done", _("erased")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="erasure_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(_("requested at"))
    due_at = models.DateTimeField(_("erased from"))
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    summary = models.JSONField(_("records changed"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        indexes = [models.Index(fields=["due_at"], condition=Q(state="pending"), name="privacy_erasure_due")]
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=Q(state="pending"), name="privacy_one_pending")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("privacy:customer", args=[self.customer_id])


class RecordKind(models.TextChoices):
    CLOSED_TICKETS = "closed_tickets", _("closed tickets (their words and files)")
    CHAT_TRANSCRIPTS = "chat_transcripts", _("chat transcripts")
    ATTACHMENTS = "attachments", _("attachments")
    WEBHOOK_BODIES = "webhook_bodies", _("tracking webhook bodies")
    EMAIL_COPIES = "email_copies", _("email copies")
    AUDIT_ROWS = "audit_rows", _("audit rows")


class RetentionPolicy(models.Model):
    """How long a kind of record is kept; the default comes from settings.PRIVACY_RETENTION_DAYS."""

    kind = models.CharField(_("kind of record"), max_length=20, choices=RecordKind.choices, unique=True)
    keep_days = models.PositiveIntegerField(_("kept for (days)"))
    is_active = models.BooleanField(_("applied"), default=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.keep_days}"
