"""The kinds of event the messaging channels add to a ticket's history (registered in MessagingConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessagingEventKind(models.TextChoices):
    REPLY_NOT_DELIVERED = "reply_not_delivered", _("Reply not delivered")
