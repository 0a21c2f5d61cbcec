"""The survey's questions and email text: admin-edited SurveyText rows in the customer's language,
falling back to English, then to the text built in here (so nothing breaks before seeding)."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import SurveyText, SurveyTextKey

DEFAULTS = {
    SurveyTextKey.EMAIL_SUBJECT: _("How did we do? Your request {reference}"),
    SurveyTextKey.EMAIL_INTRO: _(
        "Hello {customer_name}, your request {reference} ({subject}) was solved. "
        "How satisfied are you with our help? Choose a rating below; on the page that opens, "
        "confirm it with the button and add a comment if you like."
    ),
    SurveyTextKey.QUESTION: _("How satisfied are you with our help?"),
    SurveyTextKey.COMMENT: _("Would you like to tell us more? (optional)"),
    SurveyTextKey.THANKS: _("Thank you! Your answer has been recorded. You can change it while this link is valid."),
    SurveyTextKey.RATING_1: _("Very dissatisfied"),
    SurveyTextKey.RATING_2: _("Dissatisfied"),
    SurveyTextKey.RATING_3: _("Neither satisfied nor dissatisfied"),
    SurveyTextKey.RATING_4: _("Satisfied"),
    SurveyTextKey.RATING_5: _("Very satisfied"),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the known {placeholders}; anything else stays as written."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def survey_texts(language: str, **values: str) -> dict[str, str]:
    """Every survey text in `language`, placeholders filled in."""
    with translation.override(language):
        stored = {row.key: row.text for row in SurveyText.objects.all()}
        texts = {str(key): stored.get(key) or str(default) for key, default in DEFAULTS.items()}
    return {key: fill(text, values) for key, text in texts.items()}


def rating_choices(texts: dict[str, str]) -> list[tuple[int, str]]:
    return [(n, texts[f"rating_{n}"]) for n in range(5, 0, -1)]


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)
