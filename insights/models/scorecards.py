"""Daily figures per agent and team, kept by the workers; the scorecards add them up by week.

Sums and counts only, so any week (or period) is exact from the rows: averages are sum / count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Team


class AgentDailyStats(models.Model):
    day = models.DateField(_("day"))
    # Plain references (no database constraint): derived data never holds up a change to its sources.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("agent")
    )
    team = models.ForeignKey(
        Team, models.DO_NOTHING, db_constraint=False, null=True, related_name="+", verbose_name=_("team")
    )
    first_responses = models.PositiveIntegerField(default=0)
    first_response_seconds = models.BigIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    resolution_seconds = models.BigIntegerField(default=0)
    sla_met = models.PositiveIntegerField(default=0)
    sla_missed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    compensation_usd = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("agent's daily figures")
        verbose_name_plural = _("agents' daily figures")
        constraints = [
            models.UniqueConstraint(fields=["day", "agent", "team"], name="insights_agent_day_unique"),
        ]
        indexes = [
            models.Index(fields=["agent", "day"], name="insights_agent_day"),
            models.Index(fields=["team", "day"], name="insights_team_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} agent {self.agent_id}"
