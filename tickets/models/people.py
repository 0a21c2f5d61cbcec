from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A support team serving a region; tickets from its countries are routed to it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    countries = models.JSONField(
        _("countries served"),
        default=list,
        blank=True,
        help_text=_('ISO 3166 alpha-2 codes, e.g. ["DE", "FR"].'),
    )
    is_default = models.BooleanField(
        _("default team"), default=False, help_text=_("Receives tickets from countries no team serves.")
    )
    auto_assign = models.BooleanField(
        _("assign new tickets automatically"),
        default=False,
        help_text=_("Give each new ticket to the on-shift agent who speaks its language and has fewest open tickets."),
    )
    email = models.EmailField(_("team email"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Tier(models.TextChoices):
    L1 = "L1", _("L1 junior")
    L2 = "L2", _("L2 intermediate")
    L3 = "L3", _("L3 senior")


class AgentProfile(models.Model):
    """What the helpdesk knows of a staff member beyond their login."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    tier = models.CharField(_("tier"), max_length=2, choices=Tier.choices, default=Tier.L1)
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True, help_text=_('Language codes, e.g. ["en", "de"].')
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    ui_language = models.CharField(_("interface language"), max_length=10, default="en")
    on_shift = models.BooleanField(
        _("available"), default=True, help_text=_("Off while on a break or away, even within a shift.")
    )
    shifts = models.ManyToManyField("tickets.Shift", blank=True, related_name="agents", verbose_name=_("shifts"))
    last_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        permissions = [
            ("work_tickets", "Can work tickets"),
            ("supervise_team", "Can supervise a team"),
            ("view_reports", "Can view reports"),
            ("see_all_tickets", "Can see every team's tickets (store platforms' API accounts)"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.tier})"

    @property
    def team_name(self) -> str:
        """The team's name, as read with the profile on each signed-in request (tickets/auth_backend.py)."""
        if "_team_name" in self.__dict__:
            return self.__dict__["_team_name"] or ""
        return self.team.name if self.team is not None else ""

    def speaks(self, language: str) -> bool:
        return language in self.languages or language.split("-")[0] in self.languages
