"""Email header injection: CR/LF smuggled into names and subjects through the web form, an
inbound email (raw and RFC 2047-encoded) and the API. The acknowledgement and the agent's reply
then go to the customer alone, with no header the attacker wrote.

(tests/tickets/test_inbound_email.py::test_header_values_cannot_smuggle_new_lines covers the
subject of an inbound email; these check every channel and the whole sent message.)"""

from __future__ import annotations

import base64
from email import message_from_bytes, policy
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from tickets import services
from tickets.models import Customer, Ticket

from .conftest import api_client, fresh_ip

pytestmark = pytest.mark.django_db

ATTACKER = "evil@attacker.example"
INJECTION = f"\r\nBcc: {ATTACKER}\r\nX-Injected: yes\r\n\r\n<b>forged body</b>"
ALLOWED = {
    "content-type", "mime-version", "content-transfer-encoding", "subject", "from", "to", "date", "message-id",
    "in-reply-to", "references", "auto-submitted", "reply-to",
}  # fmt: skip


def _encoded(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


def assert_clean(message: Any, customer_email: str) -> None:
    """What a mail server would read from the message: one recipient, no forged header."""
    assert message.recipients() == [customer_email]
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    names = {name.lower() for name in parsed}
    assert names <= ALLOWED, names - ALLOWED
    for name, value in parsed.items():
        text = str(value)
        assert "\r" not in text and "\n" not in text, name
        if name.lower() != "subject":
            assert ATTACKER not in text, name
    assert str(parsed["To"]) == customer_email


def test_the_web_form_cannot_add_headers_or_recipients(client, teams, categories, django_capture_on_commit_callbacks):
    data = {
        "name": f"Eve{INJECTION}",
        "email": "eve@example.com",
        "category": categories.other.pk,
        "subject": f"Hello{INJECTION}",
        "message": "Hi",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("public:support"), data, REMOTE_ADDR=fresh_ip())
    assert response.status_code == 302
    (ack,) = mail.outbox
    assert_clean(ack, "eve@example.com")
    assert Customer.objects.get(email="eve@example.com").name.startswith("Eve Bcc:")  # kept, on one line


@pytest.mark.parametrize(
    "email",
    [f"eve@example.com{INJECTION}", f"eve@example.com\nBcc: {ATTACKER}", f"eve@example.com,{ATTACKER}"],
)
def test_an_email_address_with_extra_lines_or_recipients_is_refused(
    client, categories, django_capture_on_commit_callbacks, email
):
    data = {"name": "Eve", "email": email, "category": categories.other.pk, "subject": "Hi", "message": "Hi"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("public:support"), data, REMOTE_ADDR=fresh_ip())
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert mail.outbox == [] and not Ticket.objects.exists()


def _inbound(client: Any, raw: bytes) -> Any:
    return client.post(
        reverse("public:inbound_email"), raw, content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer inbound"
    )


def test_an_inbound_email_cannot_smuggle_headers_into_the_acknowledgement_or_the_reply(
    client, teams, actors, settings, django_capture_on_commit_callbacks
):
    # given a mail provider's webhook, and an email whose encoded subject and id hide new lines
    settings.INBOUND_EMAIL_TOKEN = "inbound"
    raw = (
        "From: Eve <eve@example.com>\r\n"
        "To: support@helpdesk.localhost\r\n"
        f"Subject: {_encoded('Refund' + INJECTION)}\r\n"
        f"Message-ID: {_encoded('<id-1@example.com>' + INJECTION)}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Where is my refund?\r\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        assert _inbound(client, raw).status_code == 202
    ticket = Ticket.objects.get()
    # when an agent answers the ticket (the reply refers to the customer's Message-ID)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_add_reply(ticket=ticket, author=actors.admin, body="Your refund left today.")
    # then both emails reach only the sender, with only the headers the helpdesk wrote
    ack, reply = mail.outbox
    assert_clean(ack, "eve@example.com")
    assert_clean(reply, "eve@example.com")


def test_an_inbound_sender_name_with_new_lines_is_quarantined_not_answered(
    client, teams, settings, django_capture_on_commit_callbacks
):
    settings.INBOUND_EMAIL_TOKEN = "inbound"
    raw = (
        f"From: {_encoded('Eve' + INJECTION)} <eve@example.com>\r\n"
        "Subject: Hello\r\nMessage-ID: <id-2@example.com>\r\n\r\nHi\r\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _inbound(client, raw)
    assert response.status_code == 202 and response.json()["state"] == "quarantined"
    assert mail.outbox == [] and not Ticket.objects.exists()


def test_the_api_cannot_smuggle_headers_through_the_customer_or_subject(actors, django_capture_on_commit_callbacks):
    api = api_client(actors.l1)
    body = {
        "customer": {"email": "eve@example.com", "name": f"Eve{INJECTION}", "country": "DE"},
        "subject": f"Order{INJECTION}",
        "body": "Hello",
        "acknowledge": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/tickets/", body, format="json")
        refused = api.post(
            "/api/v1/tickets/",
            {**body, "customer": {"email": f"mallory@example.com{INJECTION}", "name": "M"}},
            format="json",
        )
    assert created.status_code == 201
    assert refused.status_code == 400 and "customer" in refused.json()
    (ack,) = mail.outbox
    assert_clean(ack, "eve@example.com")
    ticket = Ticket.objects.get(pk=created.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"kind": "reply", "body": "Done"}, format="json")
    assert len(mail.outbox) == 2
    assert_clean(mail.outbox[1], "eve@example.com")
