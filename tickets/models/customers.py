from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # Empty for a customer known only by phone or an app id (who wrote by a messaging app).
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 alpha-2"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    external_ids = models.JSONField(
        _("external ids"), default=dict, blank=True, help_text=_('Ids on store platforms, e.g. {"shopify": "123"}.')
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The customer's care: how their standing (e.g. a VIP segment) changes the handling of their new
    # tickets. Kept by the app that knows why (insights) through `customers_care_set`, read with the
    # customer (`care_for`); never typed in.
    care_priority_bump = models.PositiveSmallIntegerField(_("priority raised by"), default=0, editable=False)
    care_first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), null=True, blank=True, editable=False
    )
    care_min_tier = models.CharField(_("agent tier at least"), max_length=2, blank=True, editable=False)
    care_queue_rank = models.SmallIntegerField(_("place in the chat queue"), default=0, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="customer_email_unique_ci")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email or self.phone}>"


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    platform = models.CharField(_("platform"), max_length=50, default="web")
    external_number = models.CharField(_("order number"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. EUR"))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=3)
    ship_to_country = models.CharField(_("ship-to country"), max_length=2, blank=True)
    placed_at = models.DateTimeField(_("placed at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_number"], name="order_number_unique_per_platform")
        ]
        indexes = [models.Index(fields=["external_number"])]

    def __str__(self) -> str:
        return self.external_number
