from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Team, Ticket


class CaseRecord(models.Model):
    """A solved ticket in the case library: the problem, the solution, what it cost, how it was rated."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="case")
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    language = models.CharField(_("language"), max_length=10)
    country = models.CharField(_("country"), max_length=2, blank=True)
    problem = models.TextField(_("problem"))
    solution = models.TextField(_("solution"), blank=True)
    solution_by_agent = models.BooleanField(
        _("summary written by an agent"),
        default=False,
        help_text=_("When set, recording the case again keeps this solution instead of the last reply."),
    )
    compensation = models.JSONField(_("compensation granted"), default=list, blank=True)
    compensation_usd = models.DecimalField(
        _("compensation in USD"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    delay_days = models.IntegerField(_("delivery delay (days)"), null=True, blank=True)
    resolution_hours = models.DecimalField(_("resolution time (hours)"), max_digits=10, decimal_places=1, null=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    summary_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("case library")
        indexes = [
            GinIndex(fields=["search_vector"], name="case_search_gin"),
            models.Index(fields=["category", "-solved_at"], name="case_category_recent"),
        ]

    def __str__(self) -> str:
        return f"case of ticket {self.ticket_id}"
