"""Each provider's webhook through the real endpoint: a signed message opens a ticket and the next one
threads into it; wrong or missing signatures, replays, duplicates and malformed bodies are answered
as they should and store nothing twice; a secret is rotated without downtime."""

from __future__ import annotations

import pytest

from messaging.models import ChannelAccount, InboundEvent
from tickets.models import Customer, Message, Ticket

from . import payloads as p
from .scenarios import SCENARIOS, post_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

PROVIDERS = sorted(SCENARIOS)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_signed_message_opens_a_ticket_and_the_next_threads_into_it(post, accounts, provider):
    s = SCENARIOS[provider]

    first = post_text(post, s, 1, "Where is my order 1001?")
    second = post_text(post, s, 2, "It was due yesterday.")

    assert first.status_code == 200 and second.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.channel == provider
    assert ticket.conversation_key == f"{provider}:{s.slug}:{s.key_user}"
    assert [m.body for m in ticket.messages.order_by("pk")] == ["Where is my order 1001?", "It was due yesterday."]
    assert ticket.customer.external_ids[provider] == s.key_user
    assert InboundEvent.objects.filter(processed_at__isnull=False).count() == 2
    stored = InboundEvent.objects.first()
    assert bytes(stored.body) == s.text(1, "Where is my order 1001?")  # the raw body, byte for byte
    assert p.TG_SECRET not in str(stored.headers)  # Telegram's secret is not kept with it


def test_whatsapp_customers_are_known_by_their_phone_number(post, accounts):
    known = Customer.objects.create(name="Sheena", email="sheena@example.com", phone="+16505551234")

    post_text(post, SCENARIOS["whatsapp"], 1, "Hello again")

    assert Ticket.objects.get().customer == known


def test_telegram_gives_the_customers_name_and_language(post, accounts):
    post_text(post, SCENARIOS["telegram"], 1, "Where is my parcel?")

    customer = Ticket.objects.get().customer
    assert (customer.name, customer.language) == ("Somchai P.", "en")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_wrong_or_missing_signature_is_refused_and_nothing_is_stored(post, accounts, provider):
    s = SCENARIOS[provider]
    body = s.text(1, "Hello")

    wrong = post(provider, s.slug, body, s.wrong_sign(body))
    missing = post(provider, s.slug, body, None)

    assert wrong.status_code == 401 and missing.status_code == 401
    assert not InboundEvent.objects.exists() and not Ticket.objects.exists()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_body_changed_after_signing_is_refused(post, accounts, provider):
    s = SCENARIOS[provider]
    if provider == "telegram":
        pytest.skip("Telegram sends a shared secret, not a signature of the body")
    body = s.text(1, "Refund 10 EUR")

    response = post(provider, s.slug, body.replace(b"10 EUR", b"99 EUR"), s.sign(body))

    assert response.status_code == 401
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_replayed_or_duplicated_delivery_stores_nothing_twice(post, accounts, provider):
    s = SCENARIOS[provider]
    body = s.text(1, "Where is my order?")

    first = post(provider, s.slug, body, s.sign(body))
    replay = post(provider, s.slug, body, s.sign(body))

    assert first.status_code == 200 and first.json()["stored"] == 1
    assert replay.status_code == 200 and replay.json() == {"status": "duplicate", "stored": 0}
    assert InboundEvent.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_line_redelivery_of_a_known_event_stores_nothing_new(post, accounts):
    event = p.line_event("01HREDELIVERED0000000000000", p.line_text("1", "Hi"))
    again = {**event, "deliveryContext": {"isRedelivery": True}}

    post("line", "shop-line", p.line_body(event), p.line_sign(p.line_body(event)))
    response = post("line", "shop-line", p.line_body(again), p.line_sign(p.line_body(again)))

    assert response.status_code == 200 and response.json()["stored"] == 0
    assert Message.objects.count() == 1


def test_a_whatsapp_duplicate_message_in_a_new_delivery_is_stored_once(post, accounts):
    one = p.wa_body(messages=[p.wa_text("wamid.same", "Hi")])
    both = p.wa_body(messages=[p.wa_text("wamid.same", "Hi"), p.wa_text("wamid.new", "Are you there?")])

    post("whatsapp", "shop-wa", one, p.wa_sign(one))
    response = post("whatsapp", "shop-wa", both, p.wa_sign(both))

    assert response.json()["stored"] == 1
    assert list(Message.objects.order_by("pk").values_list("body", flat=True)) == ["Hi", "Are you there?"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_malformed_body_with_a_valid_signature_is_answered_400_and_counted(post, accounts, provider):
    s = SCENARIOS[provider]
    body = b'{"not": "what the provider sends"'

    response = post(provider, s.slug, body, s.sign(body))

    assert response.status_code == 400
    assert "JSON" in response.json()["error"]
    assert not InboundEvent.objects.exists()
    account = ChannelAccount.objects.get(provider=provider)
    assert account.rejected_count == 1 and "refused delivery" in account.last_error


def test_the_previous_secret_is_accepted_during_a_rotation(post, accounts):
    account = accounts.whatsapp
    account.previous_webhook_secret, account.webhook_secret = account.webhook_secret, "the-new-secret"
    account.save()
    old = p.wa_body(messages=[p.wa_text("wamid.old", "signed with the old secret")])
    new = p.wa_body(messages=[p.wa_text("wamid.new", "signed with the new secret")])

    assert post("whatsapp", "shop-wa", old, p.wa_sign(old)).status_code == 200
    assert post("whatsapp", "shop-wa", new, p.wa_sign(new, "the-new-secret")).status_code == 200
    assert Message.objects.count() == 2


def test_whatsapp_verify_handshake_echoes_the_challenge_only_for_the_right_token(client, accounts):
    url = "/webhooks/messaging/whatsapp/shop-wa/"

    good = client.get(url, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    bad = client.get(url, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"})

    assert good.status_code == 200 and good.content == b"1158201444"
    assert bad.status_code == 403


def test_an_unknown_or_inactive_account_is_refused_like_a_wrong_signature(post, accounts):
    body = p.wa_body(messages=[p.wa_text("wamid.1", "Hi")])
    accounts.line.active = False
    accounts.line.save()
    line_body = p.line_body(p.line_event("01HINACTIVE000000000000000", p.line_text("9", "Hi")))

    assert post("whatsapp", "no-such", body, p.wa_sign(body)).status_code == 401
    assert post("line", "shop-line", line_body, p.line_sign(line_body)).status_code == 401
    assert not InboundEvent.objects.exists()


def test_locations_and_stickers_are_shown_as_what_they_are(post, accounts, fake):
    fake.state.media["sticker-1"] = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 32
    body = p.wa_body(messages=[p.wa_location("wamid.loc"), p.wa_sticker("wamid.st", "sticker-1")])

    post("whatsapp", "shop-wa", body, p.wa_sign(body))

    location, sticker = Message.objects.order_by("pk")
    assert "[Location] Philz Coffee 101 Forest Ave, Palo Alto" in location.body
    assert "https://www.google.com/maps?q=37.483307,122.148981" in location.body
    assert sticker.body == "[sticker]"
    assert sticker.attachments.get().content_type == "image/webp"


def test_whatsapp_routes_by_the_number_written_to_when_an_app_has_several(post, accounts):
    second = ChannelAccount.objects.create(
        provider="whatsapp",
        name="Outlet",
        slug="outlet-wa",
        webhook_secret="other-secret",
        access_token="x",
        sender_id="200000000000001",
    )
    body = p.wa_body(messages=[p.wa_text("wamid.to-outlet", "Hello outlet")]).replace(
        p.WA_PHONE_ID.encode(), b"200000000000001"
    )

    post("whatsapp", "shop-wa", body, p.wa_sign(body))  # the app's one webhook, signed with its secret

    assert Ticket.objects.get().conversation_key == f"whatsapp:{second.slug}:{p.WA_ID}"


def test_processed_events_are_purged_after_the_retention_and_their_messages_stay(post, accounts, clock, settings):
    from datetime import timedelta

    from messaging.tasks import purge_events

    post_text(post, SCENARIOS["telegram"], 1, "Old news")
    clock.shift(timedelta(days=settings.MESSAGING_EVENT_RETENTION_DAYS - 1))
    post_text(post, SCENARIOS["telegram"], 2, "Recent news")
    clock.shift(timedelta(days=2))

    assert purge_events() == 1

    assert list(InboundEvent.objects.values_list("event_id", flat=True)) == ["902"]
    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    ("provider", "body"),
    [
        (
            "line",
            b'{"events": [{"webhookEventId": "01H", "source": "not an object", "type": "message"}]}',
        ),
        ("telegram", b'{"update_id": 5, "message": {"chat": {"id": 1}, "text": "a\\u0000b"}}'),
        ("whatsapp", b'{"object": "whatsapp_business_account", "entry": [{"changes": ["not an object"]}]}'),
    ],
    ids=["line-shape", "telegram-nul", "whatsapp-shape"],
)
def test_a_signed_body_of_the_wrong_shape_or_unstorable_is_answered_400(post, accounts, provider, body):
    s = SCENARIOS[provider]

    response = post(provider, s.slug, body, s.sign(body))

    assert response.status_code == 400 and response.json()["error"]
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_card_number_in_an_app_message_is_masked_before_the_event_is_stored(post, accounts, provider):
    s = SCENARIOS[provider]

    assert post_text(post, s, 1, "My card 4111 1111 1111 1111, CVV 123").status_code == 200

    stored = InboundEvent.objects.get()
    for kept in (bytes(stored.body).decode(), str(stored.payload), Message.objects.get().body):
        assert "4111 1111 1111 1111" not in kept and "4111111111111111" not in kept
        assert "CVV 123" not in kept
    assert "411111******1111" in Message.objects.get().body
    assert Ticket.objects.get().customer.external_ids[provider] == s.key_user  # ids kept as they came
