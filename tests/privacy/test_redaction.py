"""A card number a customer or an agent writes is masked where it enters, on every channel, and is
then found nowhere: not in any text column of the database, the search index, the log, the kept
email or the emails sent. The security code goes too."""

from __future__ import annotations

import logging
import uuid
from base64 import b64encode

import pytest
from django.contrib.postgres.search import SearchVector
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import make_platform
from tests.privacy.leaks import leaks
from tickets import services
from tickets.models import Attachment, InboundEmail, Message, MessageKind, Ticket
from tickets.redaction import redact, redact_raw_email

pytestmark = pytest.mark.django_db

CARD = "4012 8888 8888 1881"
DIGITS = "4012888888881881"
MASKED = "401288******1881"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _everything_logged(caplog, settings):
    caplog.set_level(logging.DEBUG)
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-privacy-{uuid.uuid4().hex}"}}
    settings.INBOUND_EMAIL_TOKEN = "inbound-secret"


def _nowhere(caplog) -> None:
    assert leaks(DIGITS, caplog.text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4012 8888 8888 1881 exp 12/27", "card 401288******1881 exp 12/27"),
        ("5555-5555-5555-4444", "555555******4444"),
        ("amex 378282246310005", "amex 378282*****0005"),
        ("CVV: 737", "CVV: ***"),
        ("my cvc is 1234.", "my cvc is ***."),
        ("Prüfnummer 123", "Prüfnummer ***"),
        ("code de sécurité : 321", "code de sécurité : ***"),
        ("código de seguridad 456", "código de seguridad ***"),
        ("セキュリティコードは789", "セキュリティコードは***"),
        ("安全码：246", "安全码：***"),
        # Not card numbers: a failed Luhn check, a tracking number, an order number, a phone number.
        ("4012 8888 8888 1882", "4012 8888 8888 1882"),
        ("tracking 9400 1000 0000 0000 0000 00", "tracking 9400 1000 0000 0000 0000 00"),
        ("order 1234567890123", "order 1234567890123"),
        ("call +49 30 1234 5678", "call +49 30 1234 5678"),
        ("it cost 737 EUR", "it cost 737 EUR"),
    ],
)
def test_card_numbers_keep_six_and_four_digits_and_security_codes_lose_theirs(text, expected):
    assert redact(text) == expected


def test_an_email_without_a_card_number_is_kept_byte_for_byte():
    raw = b"From: a@example.com\r\nSubject: hello\r\n\r\nOrder 1234567890123 is late.\r\n"
    assert redact_raw_email(raw) == raw


def test_the_ids_that_thread_an_email_are_kept_whole_when_their_digits_pass_the_card_check():
    our_id = "<179659293326.25610.4111111111111111@helpdesk.localhost>"  # the random part passes Luhn
    raw = (
        f"From: a@example.com\r\nSubject: card 4111 1111 1111 1111\r\nMessage-ID: <1.4111111111111111@x.test>\r\n"
        f"In-Reply-To: {our_id}\r\nReferences: <a@b.test> {our_id}\r\n\r\n"
        "Pay with 4111111111111111 <4111111111111111@body.test>\r\n"
    ).encode()

    kept = redact_raw_email(raw).decode()

    assert f"In-Reply-To: {our_id}" in kept and kept.count(our_id) == 2  # In-Reply-To and References
    assert "Message-ID: <1.4111111111111111@x.test>" in kept
    assert "4111 1111 1111 1111" not in kept and "Subject: card 411111" in kept
    assert "Pay with 411111******1111 <411111******1111@body.test>" in kept  # the body: every number


def test_web_form(client, teams, categories, caplog, django_capture_on_commit_callbacks):
    data = {
        "name": "Lena Schmidt",
        "email": "lena@example.de",
        "order_number": "",
        "category": categories.logistics.pk,
        "subject": f"Charged twice on {CARD}",
        "message": f"I paid with {CARD}, CVV 737, and was charged twice.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/support/", data, follow=True)

    body = Message.objects.get().body
    assert MASKED in body and "737" not in body
    assert MASKED in Ticket.objects.get().subject
    assert mail.outbox  # the acknowledgement went out, masked
    _nowhere(caplog)


def _raw_email() -> bytes:
    text = f"Hello,\nmy card {CARD} (security code 737) was charged twice.\n".encode()
    return (
        b"From: Lena Schmidt <lena@example.de>\r\nTo: support@helpdesk.test\r\n"
        b"Subject: Double charge on " + CARD.encode() + b"\r\nMessage-ID: <card-1@example.de>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64encode(text)
        + b"\r\n--b1\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="receipt '
        + DIGITS.encode()
        + b'.png"\r\n\r\n'
        + b64encode(PNG)
        + b"\r\n--b1--\r\n"
    )


def test_email_through_the_inbound_endpoint(teams, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/inbound/email/",
            _raw_email(),
            content_type="message/rfc822",
            headers={"Authorization": "Bearer inbound-secret"},
        )

    assert response.status_code == 202
    assert InboundEmail.objects.get().state == InboundEmail.State.PROCESSED
    ticket = Ticket.objects.get()
    assert MASKED in ticket.subject
    body = ticket.messages.get().body
    assert MASKED in body and "737" not in body
    name = Attachment.objects.get().original_name  # masked, then made a safe file name (no stars)
    assert name.startswith("receipt 401288") and name.endswith("1881.png") and "888888" not in name
    assert MASKED.encode() in bytes(InboundEmail.objects.get().raw)  # the kept copy is the masked one
    _nowhere(caplog)


def test_store_platform_api(actors, caplog, django_capture_on_commit_callbacks):
    platform = make_platform()
    api = APIClient()
    api.force_authenticate(platform)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/tickets/",
            {"customer_id": actors.customer.pk, "subject": f"Card {CARD}", "body": f"Paid with {CARD} cvv 737"},
            format="json",
        )

    assert response.status_code == 201, response.json()
    assert MASKED in response.json()["subject"]
    assert "737" not in Message.objects.get().body
    _nowhere(caplog)


def test_agent_on_the_phone(client, actors, caplog, django_capture_on_commit_callbacks):
    client.force_login(actors.l1)
    data = {
        "email": "julien@example.fr",
        "name": "Julien Petit",
        "language": "fr",
        "country": "FR",
        "order_number": "",
        "category": "",
        "priority": "2",
        "channel": "phone",
        "subject": "Called about a double charge",
        "body": f"He read out his card {CARD}, code de sécurité 737.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tickets/new/", data)

    assert response.status_code == 302
    body = Message.objects.get().body
    assert MASKED in body and "737" not in body
    _nowhere(caplog)


@pytest.mark.parametrize("kind", ["reply", "note"])
def test_an_agents_reply_and_note(kind, client, actors, caplog, django_capture_on_commit_callbacks):
    ticket = services.ticket_create(customer=actors.customer, subject="Refund", body="Please refund.", channel="web")
    client.force_login(actors.l1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/tickets/{ticket.pk}/{kind}/",
            {f"{kind}-body": f"We refunded the card {CARD} (CVC 737).", f"{kind}-attachments": []},
        )

    written = Message.objects.get(kind=MessageKind.REPLY if kind == "reply" else MessageKind.NOTE)
    assert MASKED in written.body and "737" not in written.body
    if kind == "reply":
        assert any(MASKED in email.body for email in mail.outbox)  # the customer got the masked reply
    _nowhere(caplog)


def test_a_survey_comment(actors, teams, caplog):
    from feedback.services import survey_respond
    from tests.factories import SurveyInvitationFactory

    ticket = services.ticket_create(customer=actors.customer, subject="Refund", body="Please refund.", channel="web")
    invitation = SurveyInvitationFactory(ticket=ticket)

    response = survey_respond(invitation=invitation, rating=4, comment=f"Refunded to {CARD}, thanks")

    assert response.comment == f"Refunded to {MASKED}, thanks"
    _nowhere(caplog)


def test_the_search_finds_a_number_that_slipped_through(actors, teams):
    """The check above can fail: a number written past the redaction is found in every place it reached."""
    ticket = services.ticket_create(customer=actors.customer, subject="Refund", body="Please refund.", channel="web")
    Message.objects.filter(ticket=ticket).update(body=f"card {CARD}")
    Ticket.objects.filter(pk=ticket.pk).update(search_text=f"card {DIGITS}")
    Ticket.objects.filter(pk=ticket.pk).update(search_vector=SearchVector("search_text", config="simple"))
    mail.send_mail("Refund", f"to {CARD}", "support@helpdesk.test", ["lena@example.de"])

    found = leaks(DIGITS, log_text=f"refund to {CARD}")

    assert set(found) == {
        "tickets_message.body",
        "tickets_ticket.search_text",
        "tickets_ticket.search_vector",
        "ticket search index",
        "log",
        "sent email",
    }


def test_an_html_only_email(teams, caplog, django_capture_on_commit_callbacks):
    html = f"<p>Charged twice on <b>{CARD}</b>, CVV 737</p>".encode()
    raw = (
        b"From: Lena Schmidt <lena@example.de>\r\nTo: support@helpdesk.test\r\nSubject: Double charge\r\n"
        b"Message-ID: <card-html@example.de>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64encode(html)
        + b"\r\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/inbound/email/", raw, content_type="message/rfc822", headers={"Authorization": "Bearer inbound-secret"}
        )

    body = Message.objects.get().body
    assert MASKED in body and "737" not in body
    assert b"text/html" in bytes(InboundEmail.objects.get().raw)  # still an HTML email, masked
    _nowhere(caplog)


def test_an_agents_compensation_request_text(actors, teams, caplog, django_capture_on_commit_callbacks):
    from policies.services import compensation_request_create
    from tests.factories import OrderFactory
    from tests.policies.factories import ExchangeRateFactory

    ExchangeRateFactory(currency="EUR")
    order = OrderFactory(customer=actors.customer, currency="EUR")
    ticket = services.ticket_create(
        customer=actors.customer, subject="Refund", body="Please refund.", channel="web", order=order
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = compensation_request_create(
            ticket=ticket,
            actor=actors.l1,
            kind="partial_refund",
            amount="10.00",
            currency="EUR",
            reason="other",
            reason_detail=f"Refund to card {CARD}",
        )

    assert request.reason_detail == f"Refund to card {MASKED}"
    _nowhere(caplog)
