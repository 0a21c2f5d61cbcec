"""The daily summary behind the reports, and the record of its refreshes.

One row per day (in the support centre's time zone) and combination of team, agent, category,
customer country and channel that had anything happen that day. Each measure counts events of one
kind on the day they happened: tickets created (and whether they got an approved return or
exchange), SLA clocks decided (met or missed), survey invitations sent and answered. Counts add
up over any set of rows, so every filter and period is a SUM over an index range. Durations are
kept beside it as histograms (DailyDurations, see histograms.py), which add up the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Team


class DailyTicketStats(models.Model):
    day = models.DateField(_("day"))
    # Plain references (no database constraint): derived data never holds up a change to its sources.
    team = models.ForeignKey(
        Team, models.DO_NOTHING, db_constraint=False, null=True, related_name="+", verbose_name=_("team")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    category = models.ForeignKey(
        Category, models.DO_NOTHING, db_constraint=False, null=True, related_name="+", verbose_name=_("category")
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)

    created = models.PositiveIntegerField(_("tickets created"), default=0)
    return_exchange = models.PositiveIntegerField(_("created tickets with an approved return or exchange"), default=0)
    first_response_met = models.PositiveIntegerField(_("first responses within target"), default=0)
    first_response_missed = models.PositiveIntegerField(_("first responses late"), default=0)
    resolution_met = models.PositiveIntegerField(_("resolutions within target"), default=0)
    resolution_missed = models.PositiveIntegerField(_("resolutions late"), default=0)
    surveys_sent = models.PositiveIntegerField(_("surveys sent"), default=0)
    surveys_answered = models.PositiveIntegerField(_("surveys answered"), default=0)
    surveys_satisfied = models.PositiveIntegerField(_("answers rated 4 or 5"), default=0)

    class Meta:
        verbose_name = _("daily ticket figures")
        verbose_name_plural = _("daily ticket figures")
        indexes = [
            models.Index(fields=["day"], name="reports_daily_day"),
            models.Index(fields=["team", "day"], name="reports_daily_team_day"),
            models.Index(fields=["agent", "day"], name="reports_daily_agent_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} agent {self.agent_id}"


class DurationMetric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("first response")
    RESOLUTION = "resolution", _("resolution")


class DailyDurations(models.Model):
    """How many tickets of a day and combination took a duration in each bucket (histograms.py):
    first responses by the day the ticket was created, resolutions by the day it was solved."""

    day = models.DateField(_("day"))
    metric = models.CharField(_("measure"), max_length=16, choices=DurationMetric.choices)
    team = models.ForeignKey(
        Team, models.DO_NOTHING, db_constraint=False, null=True, related_name="+", verbose_name=_("team")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    category = models.ForeignKey(
        Category, models.DO_NOTHING, db_constraint=False, null=True, related_name="+", verbose_name=_("category")
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    bucket = models.SmallIntegerField(_("bucket"))
    tickets = models.PositiveIntegerField(_("tickets"))
    seconds = models.FloatField(_("seconds in all"))

    class Meta:
        verbose_name = _("daily durations")
        verbose_name_plural = _("daily durations")
        indexes = [
            models.Index(fields=["metric", "day"], name="reports_durations_day"),
            # An agent's own figures read their rows only, whatever the period.
            models.Index(fields=["metric", "agent", "day"], name="reports_durations_agent_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} bucket {self.bucket}"


class WeeklyDurations(models.Model):
    """The daily durations added up by week (from Monday) and team, one dimension at a time: what a
    report over months reads when it filters by team alone. `dimension` is empty for the team's
    whole, else agent, category, country or channel, with `value` the dimension's value as text."""

    week = models.DateField(_("week"))
    metric = models.CharField(_("measure"), max_length=16, choices=DurationMetric.choices)
    team = models.ForeignKey(
        Team, models.DO_NOTHING, db_constraint=False, null=True, related_name="+", verbose_name=_("team")
    )
    dimension = models.CharField(_("dimension"), max_length=10, blank=True)
    value = models.CharField(_("value"), max_length=32, blank=True)
    bucket = models.SmallIntegerField(_("bucket"))
    tickets = models.PositiveIntegerField(_("tickets"))
    seconds = models.FloatField(_("seconds in all"))

    class Meta:
        verbose_name = _("weekly durations")
        verbose_name_plural = _("weekly durations")
        indexes = [models.Index(fields=["metric", "dimension", "week"], name="reports_weekly_durations")]

    def __str__(self) -> str:
        return f"{self.week} {self.metric} {self.dimension} bucket {self.bucket}"


class SummaryRefresh(models.Model):
    """The one row (pk=1) saying how fresh the summary is. Refreshes lock it, so two never overlap."""

    refreshed_at = models.DateTimeField(_("last refreshed"), null=True, blank=True)
    full_refreshed_at = models.DateTimeField(_("last rebuilt in full"), null=True, blank=True)
    first_day = models.DateField(_("first day recomputed last time"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows written last time"), default=0)
    duration_ms = models.PositiveIntegerField(_("duration of the last refresh (ms)"), default=0)

    class Meta:
        verbose_name = _("summary refresh")
        verbose_name_plural = _("summary refreshes")

    def __str__(self) -> str:
        return f"summary refreshed at {self.refreshed_at}"
