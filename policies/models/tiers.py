from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Tier


class TierAuthority(models.Model):
    """What an agent of a tier may grant without a supervisor.

    `limit_usd` caps everything pending or approved on the same ticket and order together;
    `kinds` lists the kinds of compensation the tier may grant at all. Anything else waits for
    a supervisor. Seeded by a data migration, edited in the admin.
    """

    tier = models.CharField(_("tier"), max_length=2, choices=Tier.choices, unique=True)
    limit_usd = models.DecimalField(
        _("limit in USD"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Total per ticket and order an agent of this tier may grant on their own."),
    )
    kinds = models.JSONField(
        _("kinds granted on their own"),
        default=list,
        blank=True,
        help_text=_("Other kinds always wait for a supervisor."),
    )

    class Meta:
        ordering = ["tier"]
        verbose_name = _("tier authority")
        verbose_name_plural = _("tier authorities")

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: USD {self.limit_usd}"

    def may_grant(self, kind: str) -> bool:
        return kind in (self.kinds or [])
