"""Every email a customer gets is in the ticket's language: acknowledgement, reply, compensation
outcome, logistics exception notice and survey invitation, in each of the six languages, with no
English left but names; and when an agent changes a ticket's language, every later email follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation

from tickets import services
from tickets.models import Status

from .conftest import LANGUAGES, PEOPLE, TRANSLATED, assert_in_language, customer_of, email, english_vocabulary

pytestmark = pytest.mark.django_db

# One sentence of each email, in each language, as the catalogues say it.
ACKNOWLEDGEMENT = {
    "en": "Thank you for contacting us.",
    "zh-hans": "感谢您联系我们。",
    "de": "Vielen Dank für Ihre Nachricht.",
    "fr": "Merci de nous avoir contactés.",
    "es": "Gracias por ponerse en contacto con nosotros.",
    "ja": "お問い合わせいただきありがとうございます。",
}
ACKNOWLEDGEMENT_SUBJECT = {
    "en": "We received your request",
    "zh-hans": "我们已收到您的请求",
    "de": "Wir haben Ihre Anfrage erhalten",
    "fr": "Nous avons bien reçu votre demande",
    "es": "Hemos recibido su solicitud",
    "ja": "お問い合わせを受け付けました",
}
REPLY_FOOTER = {
    "en": "Reply to this email to answer us.",
    "zh-hans": "回复此邮件即可答复我们。",
    "de": "Antworten Sie auf diese E-Mail, um uns zu schreiben.",
    "fr": "Répondez à cet e-mail pour nous répondre.",
    "es": "Responda a este correo para contestarnos.",
    "ja": "このメールに返信してご連絡ください。",
}
COMPENSATION = {
    "en": "We are sorry for the trouble.",
    "zh-hans": "给您带来不便，我们深表歉意。",
    "de": "Es tut uns leid, dass es Probleme gab.",
    "fr": "Nous sommes désolés pour ce désagrément.",
    "es": "Sentimos las molestias.",
    "ja": "ご迷惑をおかけして申し訳ございません。",
}
# EUR 20 refunded, written as a reader of each language expects (Babel, CLDR).
REFUND_AMOUNT = {
    "en": "€20.00",
    "zh-hans": "€20.00",
    "de": "20,00\xa0€",
    "fr": "20,00\xa0€",
    "es": "20,00\xa0€",
    "ja": "€20.00",
}
REFUND_KIND = {
    "en": "Partial refund",
    "zh-hans": "部分退款",
    "de": "Teilerstattung",
    "fr": "Remboursement partiel",
    "es": "Reembolso parcial",
    "ja": "一部返金",
}
LOGISTICS = {
    "en": "We keep an eye on the delivery of your order",
    "zh-hans": "我们一直在关注您的订单",
    "de": "Wir behalten die Lieferung Ihrer Bestellung",
    "fr": "Nous suivons la livraison de votre commande",
    "es": "Seguimos de cerca la entrega de su pedido",
    "ja": "の配送状況を確認しております",
}
SURVEY = {
    "en": "These links work until",
    "zh-hans": "这些链接在",
    "de": "Diese Links gelten bis",
    "fr": "Ces liens fonctionnent jusqu",
    "es": "Estos enlaces funcionan hasta el",
    "ja": "これらのリンクは",
}


def _names(ticket: Any, *extra: str) -> list[str]:
    customer = ticket.customer
    return [customer.name, customer.email, ticket.reference, ticket.subject, PEOPLE[ticket.language].body, *extra]


def _check(outbound: Any, language: str, phrases: dict[str, str], templates: str, names: list[str]) -> None:
    vocabulary = english_vocabulary(templates)
    for text in (outbound.body_text, outbound.body_html):
        assert_in_language(
            text, language, phrase=phrases[language], english=phrases["en"], vocabulary=vocabulary, names=names
        )
    assert f'<html lang="{language}">' in outbound.body_html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_acknowledgement_is_in_the_customers_language(open_ticket, language):
    ticket = open_ticket(language)

    assert ticket.language == language
    outbound = email("ticket-ack:", ticket)
    _check(outbound, language, ACKNOWLEDGEMENT, "templates/emails/tickets/acknowledgement", _names(ticket))
    assert ACKNOWLEDGEMENT_SUBJECT[language] in outbound.subject
    if language != "en":
        assert ACKNOWLEDGEMENT_SUBJECT["en"] not in outbound.subject


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reply_is_in_the_tickets_language(open_ticket, actors, language):
    ticket = open_ticket(language)

    services.message_add_reply(ticket=ticket, author=actors.l1, body=PEOPLE[language].reply)

    outbound = email("reply:", ticket)
    _check(outbound, language, REPLY_FOOTER, "templates/emails/tickets/reply", _names(ticket, PEOPLE[language].reply))
    assert outbound.subject.startswith(
        {"de": "AW:", "fr": "RE :", "es": "RE:", "zh-hans": "回复："}.get(language, "Re:")
    )


@pytest.fixture
def eur_rate(db):
    from policies.models import ExchangeRate

    ExchangeRate.objects.update_or_create(
        currency="EUR", date=timezone.now().date(), defaults={"units_per_usd": Decimal("0.8"), "source": "test"}
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compensation_outcome_is_in_the_tickets_language_with_its_money_format(
    open_ticket, order_of, actors, eur_rate, language
):
    from policies.services import compensation_request_create

    customer = customer_of(language)
    ticket = open_ticket(language, customer=customer, order=order_of(customer))

    # EUR 20 = USD 25, within L1's USD 50: approved at once, and the customer is told
    request = compensation_request_create(
        ticket=ticket, actor=actors.l1, kind="partial_refund", reason="late", amount="20.00"
    )

    assert request.state == "approved"
    outbound = email("policies-approved:", ticket)
    names = _names(ticket, ticket.order.external_number)
    _check(outbound, language, COMPENSATION, "templates/emails/policies/approved", names)
    _check(outbound, language, REFUND_KIND, "templates/emails/policies/", names)
    assert REFUND_AMOUNT[language] in outbound.body_text
    assert REFUND_KIND[language] in outbound.subject


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_logistics_exception_notice_is_in_the_customers_language(order_of, teams, categories, language):
    logistics = pytest.importorskip("logistics.services")
    from logistics.models import ExceptionRule, Shipment, ShipmentException

    customer = customer_of(language)
    order = order_of(customer)
    shipment = Shipment.objects.create(
        order=order, tracking_number="YT2627400000000019", destination_country=customer.country
    )
    rule, _created = ExceptionRule.objects.update_or_create(
        kind="lost",
        destination_country="",
        service_type="",
        defaults={"open_ticket": True, "notify_customer": True, "offer_coupon": False, "expected_delay_days": 3},
    )
    exception = ShipmentException.objects.create(
        shipment=shipment, kind="lost", rule=rule, detected_at=timezone.now(), destination_country=customer.country
    )

    assert logistics.exception_act(exception_id=exception.pk)

    exception.refresh_from_db()
    assert exception.ticket is not None and exception.ticket.language == language
    outbound = email("logistics-notice:", exception.ticket)
    names = _names(exception.ticket, order.external_number, shipment.tracking_number)
    _check(outbound, language, LOGISTICS, "templates/emails/logistics/", names)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_survey_invitation_is_in_the_tickets_language(
    open_ticket, actors, django_capture_on_commit_callbacks, language
):
    from feedback.services import invitations_send_due
    from feedback.services.texts import survey_texts

    ticket = open_ticket(language)
    services.message_add_reply(ticket=ticket, author=actors.l1, body=PEOPLE[language].reply)
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)

    with django_capture_on_commit_callbacks(execute=True):
        invitations_send_due(now=timezone.now() + timedelta(seconds=1))

    outbound = email("feedback-survey:", ticket)
    _check(outbound, language, SURVEY, "templates/emails/feedback/", _names(ticket))
    assert survey_texts(language)["question"] in outbound.body_text  # the translated question, not the English one
    if language != "en":
        assert "How satisfied are you" not in outbound.body_text + outbound.subject


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_tickets_language_drives_every_email_about_it(
    open_ticket, order_of, actors, eur_rate, django_capture_on_commit_callbacks, language
):
    """An English customer's ticket whose language an agent set: every later email follows it."""
    from feedback.services import invitations_send_due
    from policies.services import compensation_request_create

    customer = customer_of("en", email=f"switch-{language}@example.com")
    ticket = open_ticket("en", customer=customer, order=order_of(customer))
    assert ticket.language == "en"

    services.ticket_set_language(ticket=ticket, language=language, actor=actors.l1)
    services.message_add_reply(ticket=ticket, author=actors.l1, body=PEOPLE[language].reply)
    compensation_request_create(ticket=ticket, actor=actors.l1, kind="partial_refund", reason="late", amount="20.00")
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send_due(now=timezone.now() + timedelta(seconds=1))

    names = _names(
        ticket, PEOPLE[language].reply, PEOPLE["en"].body, PEOPLE["en"].subject, ticket.order.external_number
    )
    for prefix, phrases, templates in [
        ("reply:", REPLY_FOOTER, "templates/emails/tickets/reply"),
        ("policies-approved:", COMPENSATION, "templates/emails/policies/approved"),
        ("feedback-survey:", SURVEY, "templates/emails/feedback/"),
    ]:
        _check(email(prefix, ticket), language, phrases, templates, names)
    # the acknowledgement went out before the change, in English
    assert ACKNOWLEDGEMENT["en"] in email("ticket-ack:", ticket).body_text


@pytest.mark.parametrize("language", ["ja", "fr"])
def test_a_later_exception_notice_follows_the_language_an_agent_set_on_the_logistics_ticket(
    order_of, teams, categories, actors, language, settings
):
    settings.LOGISTICS_NOTICE_QUIET_HOURS = 0  # a graver trouble is told at once
    logistics = pytest.importorskip("logistics.services")
    from logistics.models import ExceptionRule, Shipment, ShipmentException

    customer = customer_of("en", email=f"parcel-{language}@example.com", country="DE")
    shipment = Shipment.objects.create(order=order_of(customer), tracking_number="YT2627400000000027")
    for kind in ("failed_attempt", "lost"):
        ExceptionRule.objects.update_or_create(
            kind=kind,
            destination_country="",
            service_type="",
            defaults={"open_ticket": True, "notify_customer": True, "offer_coupon": False},
        )

    def detect(kind: str) -> Any:
        exception = ShipmentException.objects.create(
            shipment=shipment, kind=kind, rule=ExceptionRule.objects.get(kind=kind, destination_country=""),
            detected_at=timezone.now(),
        )  # fmt: skip
        assert logistics.exception_act(exception_id=exception.pk)
        exception.refresh_from_db()
        return exception

    first = detect("failed_attempt")
    assert first.ticket.language == "en"
    services.ticket_set_language(ticket=first.ticket, language=language, actor=actors.l1)

    second = detect("lost")  # graver: a second notice

    assert second.ticket == first.ticket  # joined the open logistics ticket
    names = _names(second.ticket, shipment.order.external_number, shipment.tracking_number)
    _check(email("logistics-notice:", second.ticket), language, LOGISTICS, "templates/emails/logistics/", names)


def test_dates_in_an_email_are_the_readers_own(open_ticket, actors, django_capture_on_commit_callbacks):
    """A customer in Auckland reads the day the survey links expire in Auckland, where it is already
    the next day; a customer whose zone is not one the server knows reads the support centre's."""
    from django.utils.formats import date_format

    from feedback.services import invitations_send_due

    sent = {}
    for zone, language in (("Pacific/Auckland", "en"), ("Not/AZone", "de")):
        with time_machine.travel(datetime(2026, 11, 20, 11, 30, tzinfo=UTC), tick=False):
            ticket = open_ticket(language)
            ticket.customer.time_zone = zone
            ticket.customer.save(update_fields=["time_zone"])
            services.message_add_reply(ticket=ticket, author=actors.l1, body="Done.")
            services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
            with django_capture_on_commit_callbacks(execute=True):
                invitations_send_due(now=timezone.now() + timedelta(seconds=1))
        sent[zone] = (email("feedback-survey:", ticket), ticket.survey_invitations.get().expires_at)

    def written(expires_at, zone, language="en"):
        with translation.override(language):
            return date_format(expires_at.astimezone(ZoneInfo(zone)), "DATE_FORMAT")

    outbound, expires_at = sent["Pacific/Auckland"]
    assert written(expires_at, "Pacific/Auckland") != written(expires_at, "UTC")  # the day differs there
    assert written(expires_at, "Pacific/Auckland") in outbound.body_text
    outbound, expires_at = sent["Not/AZone"]
    assert written(expires_at, settings.SUPPORT_TIME_ZONE, "de") in outbound.body_text
