"""A one-time code a customer asked for to see an order, or all their requests: stored hashed,
single-use, short-lived."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Customer, Order


class AccessCode(models.Model):
    """Only a match gets a row (and an email): a guess that matched nothing leaves no trace to open."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    # The order for the order page; empty for a code that opens the customer's requests.
    order = models.ForeignKey(Order, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    order_number = models.CharField(_("order number"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order access code")
        verbose_name_plural = _("order access codes")
        indexes = [models.Index(fields=["email", "order_number", "-created_at"], name="selfservice_code_lookup")]

    def __str__(self) -> str:
        return f"{self.order_number} ({self.created_at:%Y-%m-%d %H:%M})"
