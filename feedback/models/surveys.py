from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Team, Ticket


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class SurveyInvitation(models.Model):
    """One survey per solve of a ticket: a row with a due time that a beat-driven sweep sends.

    Who solved it (agent, team), the category and the customer's language and country are
    copied at solve time, so reports do not move when the ticket is later reassigned.
    The link's token is stored only as its SHA-256; the raw token exists only in the email.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="survey_invitations")
    solved_at = models.DateTimeField(_("solved at"))
    state = models.CharField(
        _("state"), max_length=10, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    due_at = models.DateTimeField(_("send at"))
    attempts = models.PositiveSmallIntegerField(default=0)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    language = models.CharField(_("language"), max_length=10)
    country = models.CharField(_("country"), max_length=2, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "solved_at"], name="survey_invitation_once_per_solve"),
        ]
        indexes = [
            # The sweep reads only what is still to send.
            models.Index(fields=["due_at", "id"], condition=Q(state="pending"), name="survey_inv_pending_due"),
            models.Index(fields=["sent_at"], condition=Q(sent_at__isnull=False), name="survey_inv_sent"),
        ]

    def __str__(self) -> str:
        return f"survey {self.pk} for ticket {self.ticket_id} ({self.state})"


class SurveyResponse(models.Model):
    """The customer's answer: one per invitation; answering again changes it."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="survey_responses")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    language = models.CharField(_("language"), max_length=10)
    country = models.CharField(_("country"), max_length=2, blank=True)
    answers = models.PositiveSmallIntegerField(_("times answered"), default=1)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 on ticket {self.ticket_id}"

    @property
    def is_low(self) -> bool:
        return self.rating <= 2
