from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ExceptionKind, Sender, ServiceType


class Carrier(models.Model):
    """A carrier as the aggregators name it, with the number formats that tell it apart."""

    name = models.CharField(_("name"), max_length=100)
    aftership_slug = models.CharField(_("AfterShip slug"), max_length=60, unique=True, null=True, blank=True)
    seventeentrack_code = models.PositiveIntegerField(_("17TRACK carrier code"), unique=True, null=True, blank=True)
    tracking_patterns = models.JSONField(
        _("tracking number patterns"),
        default=list,
        blank=True,
        help_text=_('Regular expressions a whole tracking number matches, e.g. ["^[A-Z]{2}[0-9]{9}CN$"].'),
    )
    default_service_type = models.CharField(
        _("usual service type"), max_length=20, choices=ServiceType.choices, blank=True
    )
    is_active = models.BooleanField(_("offered to agents"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.tracking_patterns, list) or not all(isinstance(p, str) for p in self.tracking_patterns):
            raise ValidationError({"tracking_patterns": _("Give a list of patterns.")})
        for pattern in self.tracking_patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValidationError(
                    {
                        "tracking_patterns": _("%(pattern)s is not a valid pattern: %(error)s")
                        % {"pattern": pattern, "error": error}
                    }
                ) from None

    def matches(self, number: str) -> bool:
        for pattern in self.tracking_patterns or []:
            try:
                if re.fullmatch(pattern, number):
                    return True
            except re.error:
                continue
        return False


class CarrierExceptionCode(models.Model):
    """A carrier-reported code (an AfterShip subtag, a 17TRACK sub-status) that is an exception of
    one of our kinds the moment it arrives. Seeded by a data migration; the admin adds codes as
    the aggregators add them. A code not listed falls back to its normalised status."""

    sender = models.CharField(_("sender"), max_length=12, choices=Sender.choices)
    code = models.CharField(_("code"), max_length=60, help_text=_("As the sender writes it, e.g. Exception_004."))
    kind = models.CharField(_("kind"), max_length=20, choices=ExceptionKind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sender", "code"]
        verbose_name = _("carrier exception code")
        verbose_name_plural = _("carrier exception codes")
        constraints = [models.UniqueConstraint(fields=["sender", "code"], name="carrier_exception_code_unique")]

    def __str__(self) -> str:
        return f"{self.get_sender_display()} {self.code}: {self.get_kind_display()}"
