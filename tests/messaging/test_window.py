"""WhatsApp's customer-service window: free text within 24 hours of the customer's last message, refused
after it (page and API) with the approved templates in the customer's language offered instead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from messaging.models import OutboundMessage, WhatsAppTemplate
from tickets.models import Message, MessageKind, Ticket

from . import payloads as p

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

GERMAN = "Wo ist meine Bestellung? Sie sollte gestern ankommen, aber ich habe nichts bekommen."


@pytest.fixture
def templates(accounts):
    account = accounts.whatsapp
    return {
        "en": WhatsAppTemplate.objects.create(
            account=account,
            name="order_update",
            language="en_US",
            body="Hello {{1}}, news about order {{2}}.",
            approved=True,
        ),
        "de": WhatsAppTemplate.objects.create(
            account=account,
            name="order_update",
            language="de",
            body="Hallo {{1}}, Neues zu Bestellung {{2}}.",
            approved=True,
        ),
        "draft": WhatsAppTemplate.objects.create(
            account=account, name="draft_offer", language="de", body="Angebot", approved=False
        ),
    }


@pytest.fixture
def ticket(post, accounts) -> Ticket:
    body = p.wa_body(messages=[p.wa_text("wamid.in1", GERMAN)])
    post("whatsapp", "shop-wa", body, p.wa_sign(body))
    ticket = Ticket.objects.get()
    assert ticket.language == "de"
    return ticket


def test_the_page_shows_when_the_window_closes_and_free_text_is_sent_within_it(
    client, ticket, actors, fake, clock, django_capture_on_commit_callbacks
):
    clock.shift(timedelta(hours=23))
    client.force_login(actors.admin)

    page = client.get(ticket.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tickets/{ticket.pk}/reply/", {"reply-body": "Sie ist unterwegs."})

    assert "Free text may be sent until 2026-03-03 16:00 CST" in page  # 24 hours on, in the viewer's zone
    assert response.status_code == 302
    assert len(fake.state.sent("/messages")) == 1


def test_free_text_after_24_hours_is_refused_on_the_page_with_the_templates_offered(
    client, ticket, templates, actors, fake, clock, django_capture_on_commit_callbacks
):
    clock.shift(timedelta(hours=24, minutes=1))
    client.force_login(actors.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tickets/{ticket.pk}/reply/", {"reply-body": "Sie ist unterwegs."})

    assert response.status_code == 422
    page = response.content.decode()
    assert "WhatsApp allows free text only within 24 hours" in page
    assert "order_update (de)" in page and "order_update (en_US)" not in page and "draft_offer" not in page
    assert "The window closed at" in page
    assert not Message.objects.filter(kind=MessageKind.REPLY).exists()
    assert fake.state.sent("/messages") == []


def test_free_text_after_24_hours_is_refused_by_the_api(ticket, templates, actors, fake, clock):
    api = APIClient()
    api.force_authenticate(actors.admin)
    clock.shift(timedelta(hours=25))

    response = api.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"kind": "reply", "body": "Hallo"}, format="json")

    assert response.status_code == 400
    assert "WhatsApp allows free text only within 24 hours" in response.content.decode()
    assert "order_update (de)" in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.REPLY).exists()


def test_a_template_in_the_customers_language_is_sent_after_the_window(
    client, ticket, templates, actors, fake, clock, django_capture_on_commit_callbacks
):
    clock.shift(timedelta(days=3))
    client.force_login(actors.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/messaging/tickets/{ticket.pk}/template/",
            {"template-template": templates["de"].pk, "template-parameters": "Sheena\n1001"},
        )

    assert response.status_code == 302
    (sent,) = fake.state.sent("/messages")
    assert sent.body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": p.WA_ID,
        "type": "template",
        "template": {
            "name": "order_update",
            "language": {"code": "de"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "Sheena"}, {"type": "text", "text": "1001"}]}
            ],
        },
    }
    reply = Message.objects.get(kind=MessageKind.REPLY)
    assert reply.body == "Hallo Sheena, Neues zu Bestellung 1001."
    assert OutboundMessage.objects.get().status == "sent"


def test_a_template_of_another_language_or_not_approved_is_refused(client, ticket, templates, actors, fake, clock):
    clock.shift(timedelta(days=3))
    client.force_login(actors.admin)

    for template in (templates["en"], templates["draft"]):
        client.post(
            f"/messaging/tickets/{ticket.pk}/template/",
            {"template-template": template.pk, "template-parameters": "Sheena\n1001"},
        )

    assert fake.state.sent("/messages") == []


def test_a_template_missing_a_placeholder_value_is_refused(client, ticket, templates, actors, fake, clock):
    client.force_login(actors.admin)

    response = client.post(
        f"/messaging/tickets/{ticket.pk}/template/",
        {"template-template": templates["de"].pk, "template-parameters": "Sheena"},
        follow=True,
    )

    assert "This template needs 2 values for its placeholders." in response.content.decode()
    assert fake.state.sent("/messages") == []


def test_a_new_customer_message_opens_the_window_again(
    client, post, ticket, actors, fake, clock, django_capture_on_commit_callbacks
):
    clock.shift(timedelta(days=2))
    client.force_login(actors.admin)
    body = p.wa_body(messages=[p.wa_text("wamid.in2", "Hallo?")])
    post("whatsapp", "shop-wa", body, p.wa_sign(body))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tickets/{ticket.pk}/reply/", {"reply-body": "Sie ist unterwegs."})

    assert response.status_code == 302
    assert len(fake.state.sent("/messages")) == 1


def test_the_window_counts_from_when_whatsapp_says_the_message_was_sent(post, accounts, actors, clock):
    # given a message sent an hour before it reached us (a delivery delayed by an outage)
    sent = str(int(p.now()) - 3600)
    body = p.wa_body(messages=[p.wa_text("wamid.late", GERMAN, timestamp=sent)])
    post("whatsapp", "shop-wa", body, p.wa_sign(body))
    ticket = Ticket.objects.get()
    api = APIClient()
    api.force_authenticate(actors.admin)
    clock.shift(timedelta(hours=23, minutes=30))  # 24.5 hours after it was sent

    response = api.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"kind": "reply", "body": "Hallo"}, format="json")

    assert response.status_code == 400
