"""The kinds of event compensation adds to a ticket's history (registered in PoliciesConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CompensationEventKind(models.TextChoices):
    REQUESTED = "compensation_requested", _("Compensation requested")
    APPROVED = "compensation_approved", _("Compensation approved")
    REJECTED = "compensation_rejected", _("Compensation rejected")
    REMINDED = "compensation_reminder", _("Compensation approval reminded")
    ESCALATED = "compensation_escalated", _("Compensation approval escalated")
