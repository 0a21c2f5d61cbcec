from __future__ import annotations

from datetime import time

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .tickets import CategoryKind, Priority, Ticket, format_reference


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
    # A proactive ticket (we wrote first): an agent looks at it within PROACTIVE_REVIEW_MINUTES.
    PROACTIVE_REVIEW = "proactive_review", _("Proactive review")


class SlaTarget(models.Model):
    """Minutes allowed, per category kind and (optionally) priority; the most specific row wins."""

    kind = models.CharField(_("category kind"), max_length=10, choices=CategoryKind.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, null=True, blank=True, help_text=_("Empty: any priority.")
    )
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["kind", "priority"], name="sla_target_unique"),
            models.UniqueConstraint(fields=["kind"], condition=Q(priority__isnull=True), name="sla_target_default"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} / {self.get_priority_display() or '*'}"


class Shift(models.Model):
    """A daily shift in the support centre's zone; an end at or before the start runs past midnight."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    region = models.CharField(_("region served"), max_length=100, blank=True)
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"), help_text=_("00:00 means midnight."))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def covers(self, moment: time) -> bool:
        if self.starts_at < self.ends_at:
            return self.starts_at <= moment < self.ends_at
        return moment >= self.starts_at or moment < self.ends_at


class SlaClock(models.Model):
    """One target running for one ticket. Sweeps find due clocks through partial indexes."""

    # No index of its own: the unique (ticket, metric) index serves lookups by ticket.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks", db_index=False)
    metric = models.CharField(max_length=20, choices=Metric.choices)
    target_minutes = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    paused_seconds = models.PositiveIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "metric"], name="sla_clock_unique")]
        indexes = [
            models.Index(
                fields=["warn_at"],
                condition=Q(warned_at__isnull=True, met_at__isnull=True, paused_at__isnull=True, warn_at__isnull=False),
                name="sla_clock_warn_due",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(
                    breached_at__isnull=True, met_at__isnull=True, paused_at__isnull=True, due_at__isnull=False
                ),
                name="sla_clock_breach_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} · {format_reference(self.ticket_id)}"

    @property
    def state(self) -> str:
        if self.met_at:
            return "met"
        if self.breached_at:
            return "breached"
        if self.paused_at:
            return "paused"
        if self.warned_at:
            return "at_risk"
        return "running"


class SlaBreach(models.Model):
    """A missed target, recorded once per clock."""

    clock = models.OneToOneField(SlaClock, on_delete=models.CASCADE, related_name="breach")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_breaches")
    metric = models.CharField(max_length=20, choices=Metric.choices)
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        indexes = [models.Index(fields=["recorded_at"])]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} · {format_reference(self.ticket_id)} · {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def late_by_seconds(self) -> int:
        return int((self.recorded_at - self.due_at).total_seconds())
