from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyTextKey(models.TextChoices):
    EMAIL_SUBJECT = "email_subject", _("Email subject")
    EMAIL_INTRO = "email_intro", _("Email introduction")
    QUESTION = "question", _("Rating question")
    COMMENT = "comment", _("Comment question")
    THANKS = "thanks", _("Thank-you message")
    RATING_1 = "rating_1", _("Label of rating 1")
    RATING_2 = "rating_2", _("Label of rating 2")
    RATING_3 = "rating_3", _("Label of rating 3")
    RATING_4 = "rating_4", _("Label of rating 4")
    RATING_5 = "rating_5", _("Label of rating 5")


class SurveyText(models.Model):
    """A question or a piece of the invitation email, translated per language (modeltranslation).

    May use {customer_name}, {reference} and {subject}. A missing translation falls back to English,
    a missing row to the text built into the code."""

    key = models.CharField(_("key"), max_length=20, choices=SurveyTextKey.choices, unique=True)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("survey text")
        verbose_name_plural = _("survey texts")

    def __str__(self) -> str:
        return self.get_key_display()
