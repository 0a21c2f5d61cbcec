"""What the helpdesk knows of a customer's value and mood, one row per customer.

Derived data: rewritten whole by one set-based statement (services.profiles), nightly for everyone
and after each change for the customer concerned. Never edited by hand.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Customer


class CustomerProfile(models.Model):
    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="profile", verbose_name=_("customer")
    )
    spend_12m_usd = models.DecimalField(_("spend in the last 12 months (USD)"), max_digits=16, decimal_places=2)
    spend_total_usd = models.DecimalField(_("spend in all (USD)"), max_digits=16, decimal_places=2)
    orders = models.PositiveIntegerField(_("orders"))
    orders_12m = models.PositiveIntegerField(_("orders in the last 12 months"))
    last_order_at = models.DateTimeField(_("last order"), null=True)
    returns = models.PositiveIntegerField(_("returns and exchanges"))
    tickets = models.PositiveIntegerField(_("tickets"))
    complaints = models.PositiveIntegerField(_("complaints"))
    complaints_recent = models.PositiveIntegerField(_("recent complaints"))
    compensation_usd = models.DecimalField(_("compensation received (USD)"), max_digits=16, decimal_places=2)
    rating_avg = models.DecimalField(_("average rating"), max_digits=3, decimal_places=2, null=True)
    ratings = models.PositiveIntegerField(_("ratings"))
    low_ratings_recent = models.PositiveIntegerField(_("recent low ratings"))
    channels = models.JSONField(_("channels used"), default=list)
    last_contact_at = models.DateTimeField(_("last contact"), null=True)
    customer_since = models.DateTimeField(_("customer since"))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")
        indexes = [models.Index(fields=["-spend_12m_usd"], name="insights_profile_spend")]

    def __str__(self) -> str:
        return f"{self.customer_id}: USD {self.spend_12m_usd}"
