"""The kinds of ticket history entry the self-service app writes, each with a translated label."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SelfServiceEventKind(models.TextChoices):
    AUTO_ANSWERED = "auto_answered", _("Answered automatically: where the order is")


class AssistantEventKind(models.TextChoices):
    """The assistant's steps in a messaging-app conversation."""

    REPLIED = "assistant_replied", _("Assistant replied")
    ORDER_VERIFIED = "assistant_order_verified", _("Assistant verified the order")
    HANDED_OVER = "assistant_handed_over", _("Assistant handed over to a person")
