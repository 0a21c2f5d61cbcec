"""Callback plans ("return visits") per segment, and the tasks they give agents."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models import Customer, Ticket

from .segments import Segment


class CallbackTrigger(models.TextChoices):
    COMPLAINT_SOLVED = "complaint_solved", _("A complaint is solved")
    TICKET_SOLVED = "ticket_solved", _("Any ticket is solved")


class CallbackOutcome(models.TextChoices):
    PENDING = "", _("To do")
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    FOLLOW_UP = "follow_up", _("Follow-up ticket created")


class CallbackPlan(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="callback_plans")
    name = models.CharField(_("name"), max_length=100)
    trigger = models.CharField(
        _("when"), max_length=20, choices=CallbackTrigger.choices, default=CallbackTrigger.COMPLAINT_SOLVED
    )
    delay_days = models.PositiveSmallIntegerField(_("call after (days)"), default=3)
    local_time = models.TimeField(_("at (customer's time)"), default=time(10, 0))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["segment", "name"]
        verbose_name = _("callback plan")
        verbose_name_plural = _("callback plans")

    def __str__(self) -> str:
        return self.name


class CallbackTask(models.Model):
    plan = models.ForeignKey(CallbackPlan, on_delete=models.CASCADE, related_name="tasks")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", db_index=False)
    team_id_at_creation = models.IntegerField(editable=False)
    due_at = models.DateTimeField(_("due"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=CallbackOutcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    follow_up = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        constraints = [models.UniqueConstraint(fields=["plan", "ticket"], name="insights_callback_once")]
        indexes = [
            models.Index(fields=["team_id_at_creation", "due_at"], condition=Q(outcome=""), name="insights_cb_open"),
            models.Index(fields=["due_at"], name="insights_cb_due"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return not self.outcome
