from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models import Order, Ticket


class ExceptionEpisode(models.Model):
    """One trouble of one order, as the customer lives it: whatever fires while it is open (several
    rules, both aggregators, repeats) joins it, and the customer hears of it once; again only when
    it changes materially, and never twice within the quiet period. At most one open per order;
    it closes when the order has no open exception left (the parcel moved on, or was delivered)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+", verbose_name=_("order"))
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ticket")
    )
    notified_kind = models.CharField(_("kind told"), max_length=20, blank=True)
    notified_gravity = models.PositiveSmallIntegerField(default=0)
    promised_delay_days = models.PositiveSmallIntegerField(_("delay promised (days)"), null=True, blank=True)
    notices = models.PositiveSmallIntegerField(_("notices sent"), default=0)
    last_notice_at = models.DateTimeField(_("last notice"), null=True, blank=True)
    # A material change came within the quiet period: the sweep tells the customer once it ends.
    notice_due = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("exception episode")
        verbose_name_plural = _("exception episodes")
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(closed_at__isnull=True), name="one_open_episode")
        ]
        indexes = [models.Index(fields=["last_notice_at"], condition=Q(notice_due=True), name="episode_notice_due")]

    def __str__(self) -> str:
        return f"episode {self.pk} of order {self.order_id}"
