"""Webhook bodies in each provider's documented shape, as bytes, with their signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from .fakes import WA_PHONE_ID

WA_SECRET = "wa-app-secret"
LINE_SECRET = "line-channel-secret"
TG_SECRET = "tg-webhook-secret_1"
WA_ID = "16505551234"
LINE_USER = "U4af4980629a8b1e4f2b6f0a1f6f0c9d2"
TG_CHAT = 1111111


def dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- WhatsApp Cloud API: messages webhook (entry[].changes[].value) ------------------------------


def wa_body(
    *, messages: list[dict[str, Any]] = (), statuses: list[dict[str, Any]] = (), name: str = "Sheena Nelson"
) -> bytes:  # type: ignore[assignment]
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": WA_PHONE_ID},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": WA_ID}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return dump(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
        }
    )


def now() -> str:
    return str(int(time.time()))  # the test's clock: WhatsApp stamps each message with when it was sent


def wa_text(message_id: str, text: str, timestamp: str | None = None) -> dict[str, Any]:
    return {"from": WA_ID, "id": message_id, "timestamp": timestamp or now(), "type": "text", "text": {"body": text}}


def wa_image(message_id: str, media_id: str, caption: str = "") -> dict[str, Any]:
    image: dict[str, Any] = {"mime_type": "image/jpeg", "sha256": "abc", "id": media_id}
    if caption:
        image["caption"] = caption
    return {"from": WA_ID, "id": message_id, "timestamp": now(), "type": "image", "image": image}


def wa_location(message_id: str) -> dict[str, Any]:
    return {
        "from": WA_ID,
        "id": message_id,
        "timestamp": now(),
        "type": "location",
        "location": {
            "latitude": 37.483307,
            "longitude": 122.148981,
            "name": "Philz Coffee",
            "address": "101 Forest Ave, Palo Alto",
        },
    }


def wa_sticker(message_id: str, media_id: str) -> dict[str, Any]:
    return {
        "from": WA_ID,
        "id": message_id,
        "timestamp": now(),
        "type": "sticker",
        "sticker": {"mime_type": "image/webp", "sha256": "x", "id": media_id, "animated": False},
    }


def wa_status(wamid: str, status: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"id": wamid, "status": status, "timestamp": "1749416400", "recipient_id": WA_ID}
    if errors:
        row["errors"] = errors
    return row


def wa_sign(body: bytes, secret: str = WA_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- LINE Messaging API: events[] ------------------------------------------------------------


def line_body(*events: dict[str, Any]) -> bytes:
    return dump({"destination": "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "events": list(events)})


def line_event(event_id: str, message: dict[str, Any], *, redelivery: bool = False) -> dict[str, Any]:
    return {
        "type": "message",
        "message": message,
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": redelivery},
        "timestamp": 1625665242211,
        "source": {"type": "user", "userId": LINE_USER},
        "replyToken": "757913772c4646b784d4b7ce46d12671",
        "mode": "active",
    }


def line_text(message_id: str, text: str) -> dict[str, Any]:
    return {"type": "text", "id": message_id, "quoteToken": "q3Plxr4AgKd", "text": text}


def line_image(message_id: str) -> dict[str, Any]:
    return {"type": "image", "id": message_id, "quoteToken": "yHAz4Ua2wx7", "contentProvider": {"type": "line"}}


def line_sign(body: bytes, secret: str = LINE_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


# --- Telegram Bot API: Update ----------------------------------------------------------------


def tg_body(update_id: int, message: dict[str, Any]) -> bytes:
    return dump({"update_id": update_id, "message": message})


def tg_message(message_id: int, **content: Any) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "from": {"id": TG_CHAT, "is_bot": False, "first_name": "Somchai", "last_name": "P.", "language_code": "en"},
        "chat": {"id": TG_CHAT, "first_name": "Somchai", "last_name": "P.", "type": "private"},
        "date": 1700000000,
        **content,
    }


def tg_photo(file_id: str) -> list[dict[str, Any]]:
    return [
        {"file_id": file_id + "small", "file_unique_id": "s1", "file_size": 1000, "width": 90, "height": 90},
        {"file_id": file_id, "file_unique_id": "b1", "file_size": 50000, "width": 800, "height": 800},
    ]
