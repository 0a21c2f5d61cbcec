"""Segments as data: a rule over profile figures an admin writes, and what membership changes."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Customer, Tier


class Segment(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    rule = models.JSONField(
        _("rule"),
        default=list,
        help_text=_(
            'All conditions must hold, e.g. [{"field": "spend_12m_usd", "op": ">=", "value": 1000}]. '
            'Dates take "within_days" or "older_than_days" with a number of days, or "is_empty".'
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    priority_bump = models.PositiveSmallIntegerField(
        _("raise priority by"),
        default=0,
        validators=[MaxValueValidator(3)],
        help_text=_("Steps above the priority a new ticket arrives with (at most Urgent)."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response target (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the usual target. A tighter target than the usual one wins."),
    )
    route_min_tier = models.CharField(
        _("route to agents of tier"),
        max_length=2,
        choices=[(Tier.L2.value, Tier.L2.label), (Tier.L3.value, Tier.L3.label)],
        blank=True,
        help_text=_(
            "Empty: any agent. Otherwise new tickets go to an agent of this tier or above when one is on shift."
        ),
    )
    chat_rank = models.SmallIntegerField(
        _("place in the chat queue"), default=0, help_text=_("Higher comes first when customers wait to chat.")
    )
    refreshed_at = models.DateTimeField(_("members refreshed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name


class SegmentMembership(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    # No index of its own: the (customer, segment) unique index serves lookups by customer.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", db_index=False)
    since = models.DateTimeField(_("member since"))

    class Meta:
        verbose_name = _("segment member")
        verbose_name_plural = _("segment members")
        constraints = [
            models.UniqueConstraint(fields=["customer", "segment"], name="insights_membership_unique"),
        ]
        indexes = [models.Index(fields=["segment", "customer"], name="insights_membership_segment")]

    def __str__(self) -> str:
        return f"{self.segment_id}:{self.customer_id}"
