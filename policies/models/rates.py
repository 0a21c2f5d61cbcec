from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeRate(models.Model):
    """How many units of `currency` one US dollar buys on `date` (the convention of USD-based
    rate feeds: EUR 0.925 means USD 1 = EUR 0.925). A request converts with
    usd = amount / units_per_usd, rounded half-up to cents, and keeps the rate it used.
    USD itself needs no row.
    """

    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. EUR"))
    date = models.DateField(_("date"))
    units_per_usd = models.DecimalField(
        _("units per USD"),
        max_digits=20,
        decimal_places=10,
        validators=[MinValueValidator(Decimal("0.0000000001"))],
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_unique_per_day"),
            models.CheckConstraint(condition=models.Q(units_per_usd__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date} USD 1 = {self.currency} {self.units_per_usd.normalize()}"
