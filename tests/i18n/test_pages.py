"""Every page a customer sees, in each of the six languages with no English left but names: the
support form (with its errors, its rate-limit notice and its thank-you page), the survey page and
the survey's error pages."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from feedback.models import SurveyInvitation
from tickets import services
from tickets.models import Category, Status

from .conftest import LANGUAGES, PEOPLE, assert_in_language, email, english_vocabulary

pytestmark = pytest.mark.django_db

# How each language names itself in the language menu of the public pages.
LANGUAGE_NAMES = ["English", "简体中文", "Deutsch", "français", "español", "日本語"]

FORM = {
    "en": "Contact customer support",
    "zh-hans": "联系客户支持",
    "de": "Kundenservice kontaktieren",
    "fr": "Contacter le service client",
    "es": "Contactar con atención al cliente",
    "ja": "カスタマーサポートへのお問い合わせ",
}
FORM_ERROR = {
    "en": "Please check the fields marked below.",
    "zh-hans": "请检查下方标出的字段。",
    "de": "Bitte prüfen Sie die unten markierten Felder.",
    "fr": "Vérifiez les champs signalés ci-dessous.",
    "es": "Revise los campos marcados abajo.",
    "ja": "下記の印の付いた項目をご確認ください。",
}
REQUIRED = {  # Django's own catalogues
    "en": "This field is required.",
    "zh-hans": "该字段是必填项。",
    "de": "Dieses Feld ist zwingend erforderlich.",
    "fr": "Ce champ est obligatoire.",
    "es": "Este campo es requerido.",
    "ja": "この項目は必須です。",
}
WAIT = {
    "en": "Please wait a moment",
    "zh-hans": "请稍候",
    "de": "Bitte warten Sie einen Moment",
    "fr": "Veuillez patienter un instant",
    "es": "Espere un momento, por favor",
    "ja": "しばらくお待ちください",
}
THANKS = {
    "en": "Thank you, we have received your request.",
    "zh-hans": "谢谢，我们已收到您的请求。",
    "de": "Vielen Dank, wir haben Ihre Anfrage erhalten.",
    "fr": "Merci, nous avons bien reçu votre demande.",
    "es": "Gracias, hemos recibido su solicitud.",
    "ja": "ありがとうございます。お問い合わせを受け付けました。",
}
SURVEY = {
    "en": "Send my answer",
    "zh-hans": "提交我的回答",
    "de": "Meine Antwort senden",
    "fr": "Envoyer ma réponse",
    "es": "Enviar mi respuesta",
    "ja": "回答を送信する",
}
CHOOSE_RATING = {
    "en": "Choose a rating.",
    "zh-hans": "请选择一个评分。",
    "de": "Bitte wählen Sie eine Bewertung.",
    "fr": "Choisissez une note.",
    "es": "Elija una valoración.",
    "ja": "評価を選んでください。",
}
CLOSED = {
    "en": "This survey has closed",
    "zh-hans": "此调查已结束",
    "de": "Diese Umfrage ist beendet",
    "fr": "Cette enquête est close",
    "es": "Esta encuesta ha finalizado",
    "ja": "このアンケートは終了しました",
}
INVALID = {
    "en": "This link is not valid",
    "zh-hans": "此链接无效",
    "de": "Dieser Link ist ungültig",
    "fr": "Ce lien n'est pas valide",
    "es": "Este enlace no es válido",
    "ja": "このリンクは無効です",
}
ACCEPT_LANGUAGE = {"en": "en", "zh-hans": "zh-CN,zh;q=0.9", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "ja": "ja-JP"}
CATEGORY_NAMES = {
    "en": "Delivery",
    "zh_hans": "配送",
    "de": "Lieferung",
    "fr": "Livraison",
    "es": "Entrega",
    "ja": "配送",
}
PUBLIC = ("templates/base.html", "templates/tickets/public/", "tickets/public_forms.py")
SURVEY_PAGES = ("templates/base.html", "templates/feedback/survey", "templates/feedback/_survey", "feedback/forms.py")


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def _own_rate_limit_keys(settings):
    """Rate limits count in the real Redis cache: each test in its own namespace."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-i18n-{uuid.uuid4().hex}"}}


@pytest.fixture
def category(db):
    return Category.objects.create(
        slug="delivery-i18n", kind="complaint", **{f"name_{code}": name for code, name in CATEGORY_NAMES.items()}
    )


def _check(response, language: str, phrases: dict[str, str], places: tuple[str, ...], *names: str) -> None:
    text = page_text(response)
    assert f'<html lang="{language}">' in text
    assert_in_language(
        text,
        language,
        phrase=phrases[language],
        english=phrases["en"],
        vocabulary=english_vocabulary(*places),
        names=[*LANGUAGE_NAMES, *names],
    )


# --- the support form ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_support_form_speaks_the_chosen_language(client, category, language):
    response = client.get(f"/support/?lang={language}")

    assert response.status_code == 200
    _check(response, language, FORM, PUBLIC)
    assert CATEGORY_NAMES[language.replace("-", "_")] in page_text(response)  # translated content too


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_forms_errors_are_in_its_language(client, category, language):
    response = client.post("/support/", {"lang": language, "name": PEOPLE[language].name})

    assert response.status_code == 400
    _check(response, language, FORM_ERROR, PUBLIC, PEOPLE[language].name)
    assert REQUIRED[language] in page_text(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rate_limit_notice_is_in_the_forms_language(client, category, settings, language):
    settings.WEBFORM_RATE_LIMIT = 0
    person = PEOPLE[language]
    data = {
        "lang": language,
        "name": person.name,
        "email": person.email,
        "category": category.pk,
        "subject": person.subject,
        "message": person.body,
    }

    response = client.post("/support/", data)

    assert response.status_code == 429
    _check(response, language, WAIT, PUBLIC, person.name, person.email, person.subject, person.body)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sending_the_form_thanks_the_customer_and_confirms_in_the_language(
    client, teams, category, django_capture_on_commit_callbacks, language
):
    person = PEOPLE[language]
    data = {
        "lang": language,
        "name": person.name,
        "email": person.email,
        "category": category.pk,
        "subject": person.subject,
        "message": person.body,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/support/", data, follow=True)

    assert response.status_code == 200
    _check(response, language, THANKS, PUBLIC, re.search(r"HD-\d+", page_text(response)).group(0))
    ack = email("ticket-ack:")
    assert ack.ticket.language == language and ack.to == person.email
    assert f'<html lang="{language}">' in ack.body_html


# --- the survey page -------------------------------------------------------------------------------


@pytest.fixture
def survey_link(open_ticket, actors, django_capture_on_commit_callbacks):
    """A solved ticket's survey, sent: (invitation, link path)."""
    from feedback.services import invitations_send_due

    def make(language: str) -> tuple[SurveyInvitation, str]:
        ticket = open_ticket(language)
        services.message_add_reply(ticket=ticket, author=actors.l1, body=PEOPLE[language].reply)
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
        with django_capture_on_commit_callbacks(execute=True):
            invitations_send_due(now=timezone.now() + timedelta(seconds=1))
        # The link as the customer got it: the stored copy of a sent email has its token blanked out.
        body = next(m.body for m in reversed(mail.outbox) if ticket.customer.email in m.to and "/survey/" in m.body)
        path = re.search(r"http://testserver(/survey/[^/\s]+/)", body).group(1)
        return SurveyInvitation.objects.get(ticket=ticket), path

    return make


def _survey_names(invitation: SurveyInvitation) -> list[str]:
    ticket = invitation.ticket
    return [ticket.reference, ticket.subject, ticket.customer.name]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_survey_page_is_in_the_tickets_language(client, survey_link, language):
    invitation, path = survey_link(language)

    response = client.get(path)

    assert response.status_code == 200
    _check(response, language, SURVEY, SURVEY_PAGES, *_survey_names(invitation))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_survey_forms_error_is_in_the_tickets_language(client, survey_link, language):
    invitation, path = survey_link(language)

    response = client.post(path, {"comment": ""})

    assert response.status_code == 400
    _check(response, language, CHOOSE_RATING, SURVEY_PAGES, *_survey_names(invitation))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_closed_survey_says_so_in_the_tickets_language(client, survey_link, language):
    invitation, path = survey_link(language)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(path)

    assert response.status_code == 410
    _check(response, language, CLOSED, SURVEY_PAGES, *_survey_names(invitation))


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_invalid_link_is_explained_in_the_browsers_language(client, language):
    response = client.get("/survey/not-a-real-token/", headers={"accept-language": ACCEPT_LANGUAGE[language]})

    assert response.status_code == 404
    _check(response, language, INVALID, SURVEY_PAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_too_many_survey_requests_are_refused_in_the_browsers_language(client, settings, language):
    settings.SURVEY_RATE_LIMIT = 0

    response = client.get("/survey/not-a-real-token/", headers={"accept-language": ACCEPT_LANGUAGE[language]})

    assert response.status_code == 429
    _check(response, language, WAIT, SURVEY_PAGES)
