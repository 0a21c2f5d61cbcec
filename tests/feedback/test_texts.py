"""Survey questions and email text are translated content: seeded in the six customer languages,
admin-editable, with English as the fallback for a missing translation."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse

from feedback.models import SurveyText
from feedback.services.texts import DEFAULTS, fill, survey_texts

pytestmark = pytest.mark.django_db

seed = importlib.import_module("feedback.migrations.0002_seed_survey_texts")


def test_every_text_is_seeded_in_the_six_customer_languages():
    assert set(seed.SEED) == {str(key) for key in DEFAULTS}
    for row in SurveyText.objects.all():
        for language in ("en", "zh_hans", "de", "fr", "es", "ja"):
            assert getattr(row, f"text_{language}"), (row.key, language)
    assert survey_texts("ja")["question"] == "私たちのサポートにどの程度ご満足いただけましたか？"
    assert survey_texts("zh-hans")["rating_5"] == "非常满意"
    assert survey_texts("es")["comment"] == "¿Quiere contarnos algo más? (opcional)"


def test_a_missing_translation_falls_back_to_english():
    SurveyText.objects.filter(key="question").update(text_fr=None)
    assert survey_texts("fr")["question"] == "How satisfied are you with our help?"
    assert survey_texts("fr")["rating_5"] == "Très satisfait(e)"


def test_without_any_row_the_built_in_text_is_used():
    SurveyText.objects.all().delete()
    texts = survey_texts("de", reference="HD-000001")
    assert texts["email_subject"] == "Wie war unser Service? Ihre Anfrage HD-000001"  # translated by the catalogue


def test_placeholders_are_filled_and_unknown_ones_left_alone():
    assert fill("{customer_name} · {reference} · {other} · {0}", {"customer_name": "Ana", "reference": "HD-1"}) == (
        "Ana · HD-1 · {other} · {0}"
    )


def test_an_admin_edits_a_text_per_language(actors, client):
    client.force_login(actors.admin)
    row = SurveyText.objects.get(key="thanks")
    url = reverse("admin:feedback_surveytext_change", args=[row.pk])
    page = client.get(url)
    assert page.status_code == 200 and "text_ja" in page.content.decode()
    data = {"key": "thanks", **{f"text_{code}": getattr(row, f"text_{code}") for code in seed.LANGUAGES}}
    data["text_de"] = "Danke schön!"
    assert client.post(url, data).status_code == 302
    assert survey_texts("de")["thanks"] == "Danke schön!"
