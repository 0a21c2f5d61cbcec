from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tickets.models import Team, Ticket

from .surveys import SurveyResponse


class CareOutcome(models.TextChoices):
    REACHED = "reached", _("Called: customer reassured")
    RESOLVED = "resolved", _("Called: problem resolved")
    REOPENED = "reopened", _("Called: ticket reopened")
    NO_ANSWER = "no_answer", _("No answer (try again)")
    DECLINED = "declined", _("Customer declined the call")
    UNREACHABLE = "unreachable", _("Customer unreachable (given up)")


# An unanswered call keeps the follow-up open; every other outcome closes it.
OPEN_OUTCOMES = (CareOutcome.NO_ANSWER,)


class CareFollowUp(models.Model):
    """A low rating (1-2): the team's supervisor calls the customer back and records the outcome."""

    response = models.OneToOneField(SurveyResponse, on_delete=models.CASCADE, related_name="care")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="care_follow_ups")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    due_at = models.DateTimeField(_("call back by"))
    is_open = models.BooleanField(_("open"), default=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=CareOutcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("calls"), default=0)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer care follow-up")
        verbose_name_plural = _("customer care follow-ups")
        indexes = [
            models.Index(fields=["team", "due_at", "id"], condition=Q(is_open=True), name="care_open_team_due"),
            models.Index(fields=["due_at", "id"], condition=Q(is_open=True), name="care_open_due"),
        ]

    def __str__(self) -> str:
        return f"care for ticket {self.ticket_id}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:care_detail", args=[self.pk])
