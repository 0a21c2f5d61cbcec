"""The widget's HTTP API as a visitor's browser uses it: a chat is a ticket of the `chat` channel,
each message once whatever the retries, every refusal a clear answer that loses nothing."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import ChatConversation, ChatLine, ChatState
from tickets.models import Channel, Message, Ticket
from tickets.services import message_add_note, message_add_reply

from .conftest import SHOP, Widget, kinds

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_a_chat_is_a_ticket_of_the_chat_channel_in_the_visitors_language(make_widget, categories):
    widget = make_widget("ja")
    response = widget.start("荷物はどこですか？まだ届いていません。", order_number="SO-1", category=categories.other.pk)

    assert response.status_code == 201, response.content
    conversation = ChatConversation.objects.get()
    ticket = conversation.ticket
    assert (ticket.channel, ticket.category, ticket.language) == (Channel.CHAT, categories.other, "ja")
    assert ticket.customer.email == "mei@example.com"
    assert conversation.state == ChatState.QUEUED
    body = response.json()["conversation"]
    assert body["position"] == 1 and body["queue_text"].startswith("あなたは")
    assert [m["body"] for m in body["messages"]] == [ticket.messages.get().body]
    assert "SO-1" in ticket.messages.get().body  # an order number we cannot match stays in the message


def test_a_retried_send_makes_one_message(widget):
    widget.start()
    client_id = str(uuid.uuid4())

    first = widget.say("My parcel is damaged.", client_id=client_id)
    again = widget.say("My parcel is damaged.", client_id=client_id)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["message"]["id"] == again.json()["message"]["id"]
    assert Message.objects.filter(body="My parcel is damaged.").count() == 1
    assert ChatLine.objects.count() == 2  # the first message and this one
    assert kinds(widget.events()) == ["message", "message"]


def test_html_stays_text_and_notes_never_reach_the_visitor(widget, actors):
    widget.start("<script>alert(1)</script><b>hi</b>")
    conversation = ChatConversation.objects.get()
    message_add_note(ticket=conversation.ticket, author=actors.l1, body="Internal: VIP, be kind")
    message_add_reply(ticket=conversation.ticket, author=actors.l1, body="Hello <i>there</i>")

    events = widget.events()
    bodies = [e["payload"]["body"] for e in events if e["kind"] == "message"]
    assert bodies == ["<script>alert(1)</script><b>hi</b>", "Hello <i>there</i>"]  # as written, shown as text
    assert "Internal" not in str(widget.get("conversation").json())


def test_refusals_are_clear_and_keep_nothing(widget, site, settings):
    assert widget.start(body="").json()["field"] == "body"
    assert widget.start(name=" ").json()["field"] == "name"
    assert widget.start(email="not-an-email").status_code == 400
    settings.CHAT_MAX_MESSAGE_CHARS = 10
    too_long = widget.start(body="x" * 11)
    assert too_long.status_code == 400 and "10" in too_long.json()["detail"]
    assert not Ticket.objects.exists()

    stranger = Widget(site)
    stranger.token = "made-up"
    assert stranger.get("conversation").status_code == 401
    assert Widget(site).client.get("/chat/api/nope/status").status_code == 404


def test_only_the_sites_own_pages_may_call(widget, site):
    assert widget.post("start", {}, HTTP_ORIGIN="https://evil.example").status_code == 403
    site.blocked_origins = SHOP
    site.save()
    assert widget.post("start", {}, HTTP_ORIGIN=SHOP).status_code == 403
    assert widget.get("status", HTTP_ORIGIN="https://www.example.com").status_code == 200
    site.active = False
    site.save()
    assert widget.get("status").status_code == 403


def test_the_frame_is_shown_only_inside_the_allowed_origins(client, site):
    site.blocked_origins = "https://www.example.com"
    site.save()
    response = client.get(f"/chat/w/{site.public_key}/?lang=ja")

    assert response.status_code == 200
    ancestors = response["Content-Security-Policy"].split("frame-ancestors ")[1].split(";")[0].split()
    assert SHOP in ancestors and "http://testserver" in ancestors  # the shop's pages and our own
    assert "https://www.example.com" not in ancestors
    assert "X-Frame-Options" not in response
    assert '<html lang="ja"' in response.content.decode()


def test_starting_is_rate_limited_per_address(widget, settings):
    settings.CHAT_STARTS_PER_IP_HOUR = 2
    assert widget.start().status_code == 201
    assert widget.start().status_code == 201
    refused = widget.start()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Ticket.objects.count() == 2


def test_sending_is_rate_limited_per_conversation(widget, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 2
    widget.start()
    statuses = [widget.say(f"line {n}").status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    assert Message.objects.count() == 3  # the first message and two lines


def test_files_pass_the_same_checks_as_email_and_only_the_visitor_downloads_them(widget, site):
    widget.start()
    photo = SimpleUploadedFile("box.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    sent = widget.client.post(
        widget.base + "messages",
        {"client_id": "c-1", "body": "The box", "files": [photo]},
        HTTP_AUTHORIZATION=f"Bearer {widget.token}",
    )
    assert sent.status_code == 201, sent.content
    attachment = sent.json()["message"]["attachments"][0]
    assert attachment["name"] == "box.png"
    download = widget.client.get(attachment["url"], {"token": widget.token})
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert Widget(site).client.get(attachment["url"], {"token": "other"}).status_code == 401

    program = SimpleUploadedFile(
        "tool.exe", b"MZ\x90\x00\x03\x00\x00\x00" * 20, content_type="application/octet-stream"
    )
    refused = widget.client.post(
        widget.base + "messages",
        {"client_id": "c-2", "body": "see file", "files": [program]},
        HTTP_AUTHORIZATION=f"Bearer {widget.token}",
    )
    assert refused.status_code == 400
    assert not Message.objects.filter(body__startswith="see file").exists()


def test_nobody_on_shift_the_message_is_left_and_answered_by_email(
    widget, actors, teams, django_capture_on_commit_callbacks
):
    for profile in (u.agent_profile for u in (actors.l1, actors.l2, actors.l3, actors.supervisor)):
        profile.on_shift = False
        profile.save()
    status = widget.get("status").json()
    assert (status["online"], status["reason"]) == (False, "no_agent")

    with django_capture_on_commit_callbacks(execute=True):
        widget.start("Can I change my address?")

    conversation = ChatConversation.objects.get()
    assert conversation.state == ChatState.EMAIL
    assert kinds(widget.events()) == ["message", "email"]
    assert [m.to for m in mail.outbox] == [["mei@example.com"]]  # the acknowledgement
    with django_capture_on_commit_callbacks(execute=True):
        message_add_reply(ticket=conversation.ticket, author=actors.l1, body="Yes, tell us the new one.")
    assert mail.outbox[-1].body.startswith("Yes, tell us the new one.")


def test_a_long_wait_lets_the_visitor_go_on_by_email(widget):
    widget.start()
    moved = widget.post("email_me")
    assert moved.json()["conversation"]["state"] == "email"
    assert ChatConversation.objects.get().state == ChatState.EMAIL
    assert kinds(widget.events())[-1] == "email"


def test_an_ended_chat_refuses_new_lines_and_the_visitor_may_start_again(widget):
    widget.start()
    assert widget.post("end").json()["conversation"]["state"] == "ended"
    refused = widget.say("one more thing")
    assert refused.status_code == 409
    assert not Message.objects.filter(body="one more thing").exists()


def test_events_after_a_number_and_a_reload_when_they_are_gone(widget, settings):
    widget.start()
    for n in range(3):
        widget.say(f"line {n}")
    assert [e["seq"] for e in widget.events(after=2)] == [3, 4]
    settings.LIVE_REPLAY_MAX = 2
    assert widget.get("events", after=0).json() == {"reload": True}
    assert widget.get("events", after="x").status_code == 400


def test_an_admin_adds_a_chat_site_and_gets_the_code_for_the_shops_pages(client, actors, teams, settings):
    from chat.models import ChatSite

    client.force_login(actors.admin)
    added = client.post(
        "/admin/chat/chatsite/add/",
        {"name": "Second shop", "allowed_origins": "https://second.example", "max_wait_minutes": 10, "active": "on"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    site = ChatSite.objects.get(name="Second shop")
    assert len(site.public_key) >= 20
    page = client.get(f"/admin/chat/chatsite/{site.pk}/change/").content.decode()
    assert f"{settings.SITE_URL}/static/chat/loader.js" in page and site.public_key in page
