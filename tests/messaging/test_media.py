"""A customer's image or document is fetched by its own retried task and attached to their message;
a first failed fetch (the provider answers 500) is tried again and the file arrives."""

from __future__ import annotations

from datetime import timedelta

import pytest

from messaging.models import MediaFetch
from messaging.tasks import sweep
from tickets.models import Message

from . import payloads as p
from .fakes import PDF, PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _whatsapp(fake):
    fake.state.media["media-1"] = PNG
    fake.state.fail_next("/v21.0/media-1", times=1)
    body = p.wa_body(messages=[p.wa_image("wamid.img", "media-1", caption="The box was crushed")])
    return "whatsapp", "shop-wa", body, p.wa_sign(body), "The box was crushed"


def _line(fake):
    fake.state.media["55501"] = PNG
    fake.state.fail_next("/v2/bot/message/55501/content", times=1)
    body = p.line_body(p.line_event("01HIMAGE00000000000000000000", p.line_image("55501")))
    return "line", "shop-line", body, p.line_sign(body), "[image]"


def _telegram(fake):
    fake.state.media["AgADphoto"] = PNG
    fake.state.fail_next("/getFile", times=1)
    body = p.tg_body(77, p.tg_message(5, photo=p.tg_photo("AgADphoto"), caption="Photo of the damage"))
    return "telegram", "shop-bot", body, p.TG_SECRET, "Photo of the damage"


@pytest.mark.parametrize("make", [_whatsapp, _line, _telegram], ids=["whatsapp", "line", "telegram"])
def test_a_media_message_survives_a_first_failed_fetch(client, post, accounts, actors, fake, clock, make):
    provider, slug, body, signature, text = make(fake)

    post(provider, slug, body, signature)

    message = Message.objects.get()
    assert message.body == text
    fetch = MediaFetch.objects.get()
    assert fetch.attempts == 1 and fetch.fetched_at is None and "HTTP 500" in fetch.error
    client.force_login(actors.admin)
    assert "Fetching file" in client.get(message.ticket.get_absolute_url()).content.decode()

    clock.shift(timedelta(seconds=20))
    sweep()

    attachment = message.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.read() == PNG
    assert "Fetching file" not in client.get(message.ticket.get_absolute_url()).content.decode()


def test_a_telegram_document_arrives_with_its_name(post, accounts, fake):
    fake.state.media["BQACdoc"] = PDF
    document = {
        "file_name": "invoice.pdf",
        "mime_type": "application/pdf",
        "file_id": "BQACdoc",
        "file_unique_id": "d1",
        "file_size": len(PDF),
    }
    body = p.tg_body(78, p.tg_message(6, document=document))

    post("telegram", "shop-bot", body, p.TG_SECRET)

    message = Message.objects.get()
    assert message.body == "[file: invoice.pdf]"
    assert message.attachments.get().original_name.endswith(".pdf")


def test_expired_line_content_is_shown_as_not_received(client, post, accounts, actors):
    body = p.line_body(
        p.line_event("01HEXPIRED000000000000000000", p.line_image("99999"))
    )  # the fake has no such content

    post("line", "shop-line", body, p.line_sign(body))

    fetch = MediaFetch.objects.get()
    assert fetch.failed and "HTTP 404" in fetch.error
    client.force_login(actors.admin)
    assert "File not received: image-99999" in client.get(fetch.message.ticket.get_absolute_url()).content.decode()


def test_a_file_of_a_type_not_kept_is_shown_as_not_received_with_why(client, post, accounts, actors, fake):
    fake.state.media["voice-1"] = b"OggS\x00\x02" + b"\x00" * 40
    message = {
        "from": p.WA_ID,
        "id": "wamid.voice",
        "timestamp": p.now(),
        "type": "audio",
        "audio": {"id": "voice-1", "mime_type": "audio/ogg"},
    }
    body = p.wa_body(messages=[message])

    post("whatsapp", "shop-wa", body, p.wa_sign(body))

    fetch = MediaFetch.objects.get()
    assert fetch.failed and "not an accepted file type" in fetch.error
    client.force_login(actors.admin)
    page = client.get(fetch.message.ticket.get_absolute_url()).content.decode()
    assert "File not received: audio-voice-1" in page
