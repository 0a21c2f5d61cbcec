"""Numbers, money, dates and plurals as each language writes them; translated content that falls
back to English, never to an empty string."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from tickets import services, ticket_reads
from tickets.models import CannedReply, Category, CategoryField, Channel

from .conftest import PEOPLE, customer_of, email

NNBSP, NBSP = "\u202f", "\xa0"


def money(amount: object, currency: str, language: str) -> str:
    with translation.override(language):
        return Template("{% load helpdesk_format %}{{ amount|money:currency }}").render(
            Context({"amount": amount, "currency": currency})
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€1,234.50"),
        ("zh-hans", "€1,234.50"),
        ("de", f"1.234,50{NBSP}€"),
        ("fr", f"1{NNBSP}234,50{NBSP}€"),
        ("es", f"1.234,50{NBSP}€"),
        ("ja", "€1,234.50"),
    ],
)
def test_money_is_written_as_the_reader_writes_it(language, expected):
    assert money(Decimal("1234.50"), "EUR", language) == expected


def test_the_currency_decides_the_decimals_and_the_symbol():
    assert money(Decimal("1234"), "JPY", "ja") == "￥1,234"
    assert money(Decimal("120.000"), "USD", "en") == "$120.00"  # stored with three places, shown with two
    assert money(Decimal("120.000"), "USD", "de") == f"120,00{NBSP}$"
    assert money("1234.5", "EUR", "de") == f"1.234,50{NBSP}€"  # a string from a form or JSON
    assert money(Decimal("12.345"), "KWD", "en") == "KWD12.345"


def test_no_amount_shows_nothing_and_an_unknown_currency_shows_its_code():
    assert money(None, "EUR", "de") == ""
    assert money("", "EUR", "de") == ""
    assert money(Decimal("5"), "XYZ", "de") == "XYZ 5"
    assert money("n/a", "EUR", "de") == "n/a"


@pytest.mark.parametrize(
    ("language", "one", "three"),
    [
        ("en", "1 ticket missed its SLA target", "3 tickets missed their SLA targets"),
        ("de", "1 Ticket hat sein SLA-Ziel verfehlt", "3 Tickets haben ihre SLA-Ziele verfehlt"),
        ("fr", "1 ticket a manqué son objectif de SLA", "3 tickets ont manqué leurs objectifs de SLA"),
        ("es", "1 ticket no cumplió su objetivo de SLA", "3 tickets no cumplieron sus objetivos de SLA"),
        ("zh-hans", "1 张工单未达到 SLA 目标", "3 张工单未达到 SLA 目标"),
        ("ja", "1 件のチケットが SLA 目標を達成できませんでした", "3 件のチケットが SLA 目標を達成できませんでした"),
    ],
)
def test_a_plural_message_takes_the_languages_form(language, one, three):
    with translation.override(language):
        rendered = [render_to_string("emails/tickets/sla_breach_subject.txt", {"count": n}).strip() for n in (1, 3)]
    assert rendered == [one, three]


@pytest.mark.parametrize(
    ("language", "one", "three"),
    [
        ("en", "…and 1 more", "…and 3 more"),
        ("de", "…und 1 weiteres", "…und 3 weitere"),
        ("fr", "…et 1 autre", "…et 3 autres"),
        ("es", "…y 1 más", "…y 3 más"),
        ("zh-hans", "……另有 1 张工单", "……另有 3 张工单"),
        ("ja", "…ほか 1 件", "…ほか 3 件"),
    ],
)
def test_the_breach_email_counts_the_tickets_it_does_not_list(language, one, three):
    context = {"items": [], "queue_url": "https://help.example.com/queue"}
    with translation.override(language):
        rendered = [render_to_string("emails/tickets/sla_breach.txt", {**context, "more": n}) for n in (1, 3)]
    assert [text.strip().splitlines()[-1] for text in rendered] == [
        f"{one} (https://help.example.com/queue)",
        f"{three} (https://help.example.com/queue)",
    ]


def test_french_counts_zero_as_singular_and_german_as_plural():
    singular, plural = "We expect a delay of about %(days)s day.", "We expect a delay of about %(days)s days."
    with translation.override("fr"):
        assert ngettext(singular, plural, 0) % {"days": 0} == "Nous prévoyons un retard d'environ 0 jour."
        assert ngettext(singular, plural, 2) % {"days": 2} == "Nous prévoyons un retard d'environ 2 jours."
    with translation.override("de"):
        assert ngettext(singular, plural, 0) % {"days": 0} == "Wir rechnen mit einer Verzögerung von etwa 0 Tagen."
        assert ngettext(singular, plural, 1) % {"days": 1} == "Wir rechnen mit einer Verzögerung von etwa 1 Tag."


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Oct. 4, 2026"),
        ("zh-hans", "2026年10月4日"),
        ("de", "4. Oktober 2026"),
        ("fr", "4 octobre 2026"),
        ("es", "4 de octubre de 2026"),
        ("ja", "2026年10月4日"),
    ],
)
def test_dates_in_emails_are_written_in_the_language(language, expected):
    with translation.override(language):
        rendered = Template('{{ day|date:"DATE_FORMAT" }}').render(Context({"day": date(2026, 10, 4)}))
    assert rendered == expected


# --- translated content: English when a translation is missing ---------------------------------


@pytest.mark.django_db
def test_a_category_without_a_translation_shows_its_english_name_never_an_empty_one():
    category = Category.objects.create(
        slug="returns-i18n", name_en="Returns", name_de="Rücksendungen", name_fr="", description_en="Send back"
    )
    field = CategoryField.objects.create(category=category, key="order", label_en="Order number", label_ja="")
    category.refresh_from_db()
    field.refresh_from_db()

    with translation.override("de"):
        assert (category.name, category.description) == ("Rücksendungen", "Send back")
    for language in ("fr", "es", "ja", "zh-hans"):
        with translation.override(language):
            assert category.name == "Returns"
            assert field.label == "Order number"


@pytest.mark.django_db
def test_a_canned_reply_without_a_translation_is_offered_in_english(actors, teams):
    CannedReply.objects.create(
        title="Thanks", body_en="Thank you, {customer_name}.", body_de="Danke, {customer_name}.", body_es=""
    )
    for language, expected in [("de", "Danke, "), ("es", "Thank you, "), ("ja", "Thank you, ")]:
        customer = customer_of(language, email=f"canned-{language}@example.com")
        ticket = services.ticket_create(
            customer=customer, subject="x", body=PEOPLE[language].body, channel=Channel.EMAIL, team=teams.europe
        )
        [(_reply, text)] = ticket_reads.canned_replies_for(ticket, actors.l1)
        assert text == f"{expected}{customer.name}."


@pytest.mark.django_db
def test_a_survey_text_without_a_translation_falls_back_to_english_in_the_email(
    open_ticket, actors, django_capture_on_commit_callbacks
):
    from feedback.models import SurveyText
    from feedback.services import invitations_send_due

    SurveyText.objects.filter(key="question").update(text_ja="")
    SurveyText.objects.filter(key="email_intro").update(text_ja=None)
    english = SurveyText.objects.get(key="question").text_en
    ticket = open_ticket("ja")
    services.ticket_set_status(ticket=ticket, status="solved", actor=actors.l1)

    with django_capture_on_commit_callbacks(execute=True):
        invitations_send_due(now=timezone.now() + timedelta(seconds=1))

    body = email("feedback-survey:", ticket).body_text
    assert english in body  # the English question, not a blank line
    assert body.splitlines()[0].strip()  # the introduction is there, in English
    assert "これらのリンクは" in body  # and the rest stays Japanese


@pytest.mark.django_db
def test_an_exception_notes_missing_translation_falls_back_to_english():
    models = pytest.importorskip("logistics.models")

    rule = models.ExceptionRule.objects.create(
        kind="damaged",
        destination_country="ES",
        customer_note_en="Keep the packaging until we call you.",
        customer_note_fr="Gardez l'emballage jusqu'à notre appel.",
        customer_note_es="",
    )
    rule.refresh_from_db()

    with translation.override("fr"):
        assert rule.customer_note == "Gardez l'emballage jusqu'à notre appel."
    for language in ("es", "de", "ja"):
        with translation.override(language):
            assert rule.customer_note == "Keep the packaging until we call you."
