"""The kinds of event parcel tracking adds to a ticket's history (registered in LogisticsConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackingEventKind(models.TextChoices):
    TRACKING_ADDED = "tracking_added", _("Parcel tracking added")
    TRACKING_CORRECTED = "tracking_corrected", _("Parcel tracking corrected")
