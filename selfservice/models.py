"""A one-time code a customer asked for to see an order: stored hashed, single-use, short-lived."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Order


class AccessCode(models.Model):
    # The order is empty when the number and email matched nothing: the row still exists so that
    # a guess costs the same and answers alike, but no code can ever open anything.
    order = models.ForeignKey(Order, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    order_number = models.CharField(_("order number"), max_length=100)
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
