"""What a customer reads: subjects exactly as they wrote them, and every line of the web form's
intake and confirmation in their language."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.utils import translation

from tests.factories import CustomerFactory
from tickets import services
from tickets.models import Channel, Customer, OutboundEmail, Ticket

pytestmark = pytest.mark.django_db

URL = "/support/"
SUBJECT = 'Can\'t find my order & the "tracking" link <today>'


@pytest.fixture(autouse=True)
def _english_afterwards():
    """The public pages activate the customer's language in this thread (a server resets it per
    request): leave English behind for the tests that follow."""
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _own_rate_limit_keys(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-text-{uuid.uuid4().hex}"}}


def _post(client, capture, **fields):
    data = {
        "name": "Lena Schmidt",
        "email": "lena@example.de",
        "order_number": "",
        "subject": "Parcel late",
        "message": "My parcel has not arrived after three weeks.",
        "country": "DE",
        **fields,
    }
    with capture(execute=True):
        response = client.post(URL, data, follow=True)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def test_the_confirmations_subject_is_the_customers_subject_as_written(
    client, teams, categories, django_capture_on_commit_callbacks
):
    _post(
        client,
        django_capture_on_commit_callbacks,
        category=categories.logistics.pk,
        subject=SUBJECT,
        message=SUBJECT,
        lang="en",
    )

    ticket = Ticket.objects.get()
    assert ticket.subject == SUBJECT
    [confirmation] = mail.outbox
    assert confirmation.subject == f"[{ticket.reference}] We received your request: {SUBJECT}"
    assert OutboundEmail.objects.get(key=f"ticket-ack:{ticket.pk}").subject == confirmation.subject
    assert SUBJECT in confirmation.body  # the text part too: plain text, never entities
    assert "&amp;" not in confirmation.body and "&#x27;" not in confirmation.body


def test_an_agents_reply_keeps_the_subject_as_written(actors, django_capture_on_commit_callbacks):
    ticket = services.ticket_create(
        customer=actors.customer, subject=SUBJECT, body="Where is it?", channel=Channel.EMAIL, language="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.message_add_reply(ticket=ticket, author=actors.l1, body='Here it is: "1Z999" & more.')

    [reply] = mail.outbox
    assert reply.subject.endswith(f"[{ticket.reference}] {SUBJECT}"), reply.subject
    assert '"1Z999" & more.' in reply.body


def test_a_subject_template_cannot_start_a_new_header(actors, django_capture_on_commit_callbacks):
    ticket = services.ticket_create(
        customer=actors.customer, subject="Hello", body="Where is it?", channel=Channel.EMAIL, language="en"
    )
    Ticket.objects.filter(pk=ticket.pk).update(subject="Hello\r\nBcc: victim@example.com")
    ticket.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_add_reply(ticket=ticket, author=actors.l1, body="Answer.")

    [reply] = mail.outbox
    assert "\n" not in reply.subject and "\r" not in reply.subject
    assert reply.subject.endswith("Hello Bcc: victim@example.com")


@pytest.mark.parametrize(
    ("language", "email", "message", "label"),
    [
        ("ja", "hanako@example.jp", "荷物がまだ届いていません。三週間も待っています。確認してください。", "注文番号"),
        ("de", "jonas@example.de", "Mein Paket ist nach drei Wochen immer noch nicht angekommen.", "Bestellnummer"),
    ],
)
def test_an_unknown_order_number_is_quoted_in_the_customers_language(
    language, email, message, label, client, teams, categories, django_capture_on_commit_callbacks
):
    _post(
        client,
        django_capture_on_commit_callbacks,
        lang=language,
        email=email,
        name="Customer",
        subject="Paket" if language == "de" else "荷物",
        message=message,
        order_number="JP-10042",
        category=categories.product.pk,
        country="JP" if language == "ja" else "DE",
    )

    ticket = Ticket.objects.get()
    assert ticket.language == language
    body = ticket.messages.get().body
    assert body.endswith(f"{label}: JP-10042") or body.endswith(f"{label}：JP-10042"), body
    assert "Order number" not in body
    [confirmation] = mail.outbox
    assert "JP-10042" in confirmation.body
    assert "Order number" not in confirmation.body
    assert "Your message" not in confirmation.body and "Hello" not in confirmation.body


def test_the_order_number_is_quoted_in_the_tickets_language_not_the_pages(
    client, teams, categories, django_capture_on_commit_callbacks
):
    # A Japanese customer on their first visit, the page in English: the ticket and its thread are Japanese.
    CustomerFactory(email="hanako@example.jp", name="Hanako", language="ja", country="JP", time_zone="Asia/Tokyo")
    _post(
        client,
        django_capture_on_commit_callbacks,
        lang="en",
        email="hanako@example.jp",
        name="Hanako",
        subject="荷物",
        message="荷物がまだ届いていません。",
        order_number="JP-10042",
        category=categories.product.pk,
        country="JP",
    )

    ticket = Ticket.objects.get(customer=Customer.objects.get(email="hanako@example.jp"))
    assert ticket.language == "ja"
    assert "注文番号" in ticket.messages.get().body


@pytest.mark.parametrize(
    ("language", "words"),
    [("ja", ["国・地域", "ドイツ", "お住まいの国"]), ("de", ["Land", "Deutschland", "Wo Sie wohnen"])],
)
def test_the_form_speaks_the_customers_language_in_every_label(language, words, client, categories):
    html = client.get(URL, {"lang": language}, HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
    for word in words:
        assert word in html
    for english in ("Your name", "Your email address", "Country", "Order number", "Subject", "Message", "Send<"):
        assert english not in html, english
