"""Agents' replies leave through each provider's send API in the documented shape, are retried with
backoff when the provider fails, and show their delivery status on the ticket page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from messaging.models import OutboundMessage
from messaging.tasks import sweep
from tickets.models import Ticket

from . import payloads as p
from .fakes import LINE_TOKEN, PDF, WA_TOKEN
from .scenarios import SCENARIOS, post_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

SEND_PATH = {"whatsapp": "/messages", "line": "/v2/bot/message/push", "telegram": "/sendMessage"}


def reply(client, user, ticket, text, capture):
    client.force_login(user)
    with capture(execute=True):
        return client.post(f"/tickets/{ticket.pk}/reply/", {"reply-body": text})


def conversation(post, provider) -> Ticket:
    post_text(post, SCENARIOS[provider], 1, "Where is my order?")
    return Ticket.objects.get()


@pytest.mark.parametrize("provider", sorted(SCENARIOS))
def test_an_agents_reply_reaches_the_provider_in_the_documented_shape(
    client, post, accounts, actors, fake, provider, django_capture_on_commit_callbacks
):
    ticket = conversation(post, provider)

    response = reply(client, actors.admin, ticket, "It left our warehouse today.", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    (sent,) = fake.state.sent(SEND_PATH[provider])
    if provider == "whatsapp":
        assert sent.headers["Authorization"] == f"Bearer {WA_TOKEN}"
        assert sent.body == {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": p.WA_ID,
            "type": "text",
            "text": {"preview_url": False, "body": "It left our warehouse today."},
        }
    elif provider == "line":
        assert sent.headers["Authorization"] == f"Bearer {LINE_TOKEN}"
        assert sent.headers["X-Line-Retry-Key"]
        assert sent.body == {"to": p.LINE_USER, "messages": [{"type": "text", "text": "It left our warehouse today."}]}
    else:
        assert sent.body == {"chat_id": p.TG_CHAT, "text": "It left our warehouse today."}
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert '<span class="mark ok">Sent</span>' in page


def test_whatsapp_statuses_show_delivered_then_read_and_never_go_back(
    client, post, accounts, actors, fake, django_capture_on_commit_callbacks
):
    ticket = conversation(post, "whatsapp")
    reply(client, actors.admin, ticket, "On its way.", django_capture_on_commit_callbacks)
    wamid = OutboundMessage.objects.get().provider_message_id

    for status in ("delivered", "read", "delivered"):  # a late "delivered" after "read"
        body = p.wa_body(statuses=[p.wa_status(wamid, status)])
        assert post("whatsapp", "shop-wa", body, p.wa_sign(body)).status_code == 200

    assert OutboundMessage.objects.get().status == "read"
    assert '<span class="mark ok">Read</span>' in client.get(ticket.get_absolute_url()).content.decode()


def test_a_whatsapp_failed_status_is_shown_on_the_message(
    client, post, accounts, actors, django_capture_on_commit_callbacks
):
    ticket = conversation(post, "whatsapp")
    reply(client, actors.admin, ticket, "On its way.", django_capture_on_commit_callbacks)
    wamid = OutboundMessage.objects.get().provider_message_id
    error = {"code": 131026, "title": "Message undeliverable"}
    body = p.wa_body(statuses=[p.wa_status(wamid, "failed", [error])])

    post("whatsapp", "shop-wa", body, p.wa_sign(body))

    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Not delivered" in page and "131026 Message undeliverable" in page


@pytest.mark.parametrize("provider", sorted(SCENARIOS))
def test_a_send_is_retried_with_backoff_after_the_provider_fails(
    client, post, accounts, actors, fake, clock, provider, django_capture_on_commit_callbacks
):
    ticket = conversation(post, provider)
    fake.state.fail_next(SEND_PATH[provider], times=1)

    reply(client, actors.admin, ticket, "Sorry for the wait.", django_capture_on_commit_callbacks)

    row = OutboundMessage.objects.get()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "Trying again" in client.get(ticket.get_absolute_url()).content.decode()
    sweep()  # not due yet: nothing is sent early
    assert len(fake.state.sent(SEND_PATH[provider])) == 1
    clock.shift(timedelta(seconds=20))
    sweep()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    sent = fake.state.sent(SEND_PATH[provider])
    assert len(sent) == 2
    if provider == "line":  # the same retry key: LINE accepts the push once
        assert sent[0].headers["X-Line-Retry-Key"] == sent[1].headers["X-Line-Retry-Key"]


def test_a_send_that_keeps_failing_is_shown_as_not_delivered(
    client, post, accounts, actors, fake, clock, settings, django_capture_on_commit_callbacks
):
    settings.MESSAGING_MAX_ATTEMPTS = 2
    ticket = conversation(post, "telegram")
    fake.state.fail_next("/sendMessage", times=5)
    reply(client, actors.admin, ticket, "Sorry for the wait.", django_capture_on_commit_callbacks)

    clock.shift(timedelta(minutes=5))
    sweep()

    row = OutboundMessage.objects.get()
    assert row.status == "failed" and "HTTP 500" in row.error
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert '<span class="mark bad"' in page and "Not delivered" in page


def test_a_reply_by_the_api_goes_out_the_same_way(post, accounts, actors, fake, django_capture_on_commit_callbacks):
    ticket = conversation(post, "line")
    api = APIClient()
    api.force_authenticate(actors.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/tickets/{ticket.pk}/messages/", {"kind": "reply", "body": "Thanks!"}, format="json"
        )

    assert response.status_code == 201
    assert fake.state.sent("/v2/bot/message/push")[0].body["messages"][0]["text"] == "Thanks!"


@pytest.mark.parametrize("provider", ["whatsapp", "telegram"])
def test_an_agents_file_is_uploaded_and_sent_after_the_text(
    client, post, accounts, actors, fake, provider, django_capture_on_commit_callbacks
):
    ticket = conversation(post, provider)
    client.force_login(actors.admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/tickets/{ticket.pk}/reply/",
            {"reply-body": "Here is the label.", "reply-attachments": SimpleUploadedFile("label.pdf", PDF)},
        )

    (upload,) = fake.state.uploads.values()
    assert upload[2] == PDF and upload[0] == "label.pdf"
    if provider == "whatsapp":
        text, document = fake.state.sent("/messages")
        assert text.body["type"] == "text"
        assert document.body["type"] == "document" and document.body["document"]["filename"] == "label.pdf"
    else:
        assert fake.state.sent("/sendDocument")[0].body["chat_id"] == str(p.TG_CHAT)
    assert list(OutboundMessage.objects.order_by("part").values_list("status", flat=True)) == ["sent", "sent"]
    assert "label.pdf: Sent" in client.get(ticket.get_absolute_url()).content.decode()


def test_a_file_on_line_is_shown_as_not_delivered(
    client, post, accounts, actors, fake, django_capture_on_commit_callbacks
):
    ticket = conversation(post, "line")
    client.force_login(actors.admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/tickets/{ticket.pk}/reply/",
            {"reply-body": "Here is the label.", "reply-attachments": SimpleUploadedFile("label.pdf", PDF)},
        )

    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "label.pdf: Not delivered" in page and "LINE accepts files only from a public address" in page
    assert len(fake.state.sent("/v2/bot/message/push")) == 1  # the text went


def test_a_reply_not_delivered_is_written_in_the_tickets_history(
    client, post, accounts, actors, django_capture_on_commit_callbacks
):
    ticket = conversation(post, "whatsapp")
    reply(client, actors.admin, ticket, "On its way.", django_capture_on_commit_callbacks)
    wamid = OutboundMessage.objects.get().provider_message_id
    body = p.wa_body(statuses=[p.wa_status(wamid, "failed", [{"code": 131047, "title": "Re-engagement message"}])])

    post("whatsapp", "shop-wa", body, p.wa_sign(body))
    post("whatsapp", "shop-wa", body, p.wa_sign(body))  # the same failure again: one entry

    page = client.get(ticket.get_absolute_url()).content.decode()
    assert page.count("Reply not delivered") == 1
    assert "131047 Re-engagement message" in page
