"""The kinds of ticket history entry the self-service app writes, each with a translated label."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SelfServiceEventKind(models.TextChoices):
    AUTO_ANSWERED = "auto_answered", _("Answered automatically: where the order is")
