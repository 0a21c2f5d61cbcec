"""The assistant in the chat widget, in a real browser against the real ASGI server, in English and
in German: it tells where an order is only after the one-time code emailed to the customer, gathers
a damaged item's facts with a photo and hands over; the agent sees its card; afterwards it is silent."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chat.models import ChatConversation
from logistics.choices import ShipmentStatus, Source, SubStatus
from logistics.models import Carrier, TrackingEvent
from selfservice.models import AssistantSession, HandoverReason
from tests.factories import OrderFactory
from tests.logistics.factories import ShipmentFactory
from tickets.models import MessageKind, OutboundEmail
from tickets.services import message_add_reply

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server_env() -> dict[str, str]:
    return {"CELERY_TASK_ALWAYS_EAGER": "1", "ASSISTANT_CHANNELS": "chat"}


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
WORDS = {
    "en": {
        "where": "Hi, where is my order?",
        "asks_number": "order number",
        "asks_email": "email address",
        "parcel": "Parcel JD0001 (DHL)",
        "broken": "The vase arrived broken",
        "thanks": "Thank you!",
    },
    "de": {
        "where": "Wo ist meine Bestellung?",
        "asks_number": "Bestellnummer",
        "asks_email": "E-Mail",
        "parcel": "Paket JD0001 (DHL)",
        "broken": "Die Vase ist kaputt angekommen",
        "thanks": "Danke schön!",
    },
}


@pytest.fixture
def parcel(actors) -> Any:
    now = timezone.now()
    order = OrderFactory(
        customer=actors.customer, external_number="SO-1001", currency="EUR", total=Decimal("40.00"), placed_at=now
    )
    carrier = Carrier.objects.create(name="DHL", aftership_slug="dhl-test")
    shipment = ShipmentFactory(
        order=order,
        carrier=carrier,
        tracking_number="JD0001",
        status=ShipmentStatus.IN_TRANSIT,
        expected_delivery=date.today() + timedelta(days=2),
        last_event_at=now - timedelta(hours=5),
    )
    TrackingEvent.objects.create(
        shipment=shipment,
        occurred_at=now - timedelta(hours=5),
        status=ShipmentStatus.IN_TRANSIT,
        sub_status=SubStatus.ARRIVED_DESTINATION,
        location="Leipzig",
        source=Source.AFTERSHIP,
        fingerprint="f5",
    )
    return shipment


def code_sent_to(email: str) -> str:
    body = OutboundEmail.objects.filter(to=email).latest("pk").body_text
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_assistant_answers_gathers_hands_over_and_falls_silent(
    visitor,
    agent_page,
    shop,
    parcel,
    actors,
    tmp_path: Path,
    language: str,
):
    words = WORDS[language]
    actors.customer.language = language  # the assistant speaks the ticket's language: the customer's known one
    actors.customer.save()
    visitor.goto(f"/chat/demo-shop/?lang={language}")
    visitor.locator("button[aria-expanded]").click()
    frame = visitor.frame_locator("iframe")
    frame.locator("#chat-name").fill("Lena Schmidt")
    frame.locator("#chat-email").fill("lena@example.de")
    frame.locator("#chat-first").fill(words["where"])
    frame.locator("form button[type=submit]").first.click()

    said = frame.get_by_role("log").locator(".msg.system")

    def say(text: str, *, then: str | None = None, photo: Path | None = None) -> None:
        before = said.count()
        if photo is not None:
            frame.locator("input[type=file][name=files]").set_input_files(str(photo))
        frame.locator("#chat-body").fill(text)
        frame.locator("#chat-body").press("Enter")
        if then is not None:
            expect(said).to_have_count(before + 1)
            expect(said.last).to_contain_text(then)

    expect(said.last).to_contain_text(words["asks_number"])
    say("SO-1001", then=words["asks_email"])
    assert "JD0001" not in frame.get_by_role("log").inner_text()
    say("lena@example.de", then="SO-1001")  # a code was emailed
    assert "JD0001" not in frame.get_by_role("log").inner_text()  # never before the code
    say(code_sent_to("lena@example.de"), then=words["parcel"])

    photo = tmp_path / "vase.png"
    photo.write_bytes(PNG)
    say(words["broken"], then=None)
    expect(said).to_have_count(5)  # it asks for a photo: the order is known already
    say("", photo=photo)
    visitor.wait_for_timeout(2000)
    expect(said).to_have_count(6)

    conversation = ChatConversation.objects.get()
    state = AssistantSession.objects.get(ticket=conversation.ticket)
    assert state.handover_reason == HandoverReason.COMPLAINT and state.handed_over_at is not None
    assert state.facts == {"order_number": "SO-1001", "photos": 1}

    agent = agent_page(actors.l1, conversation.ticket.get_absolute_url())
    card = agent.locator("#panel-assistant")
    expect(card).to_contain_text("Damaged or wrong item")
    expect(card).to_contain_text("Photos: 1")
    expect(card).to_contain_text("Order number: SO-1001")

    message_add_reply(ticket=conversation.ticket, author=actors.l1, body="Hello Lena, I am sorry about the vase.")
    expect(frame.get_by_role("log").locator(".msg.agent")).to_have_count(1)
    say(words["thanks"])
    expect(agent.locator("#thread article.msg.customer", has_text=words["thanks"])).to_have_count(1)
    visitor.wait_for_timeout(1000)  # time enough for an answer the assistant must not give
    expect(frame.get_by_role("log").locator(".msg").last).to_contain_text(words["thanks"])
    assert conversation.ticket.messages.filter(kind=MessageKind.SYSTEM).count() == 6
