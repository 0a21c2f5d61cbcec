"""LINE Messaging API: webhooks signed with x-line-signature (base64 HMAC-SHA256 of the raw body
with the channel secret), events[] each with its webhookEventId; sent by POST {base}/v2/bot/message/push
with the channel access token; content from {content base}/v2/bot/message/{id}/content (it expires)."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .common import (
    Event,
    FilePart,
    Incoming,
    Media,
    PayloadError,
    ProviderError,
    StatusUpdate,
    any_matches,
    hmac_sha256,
    http_call,
    json_object,
    maps_link,
    response_json,
)


class Line:
    name = "line"
    signature_header = "HTTP_X_LINE_SIGNATURE"

    def verify(self, *, body: bytes, signature: str, secrets: list[str]) -> bool:
        given = signature.strip().encode("utf-8", "replace")
        return any_matches([base64.b64encode(hmac_sha256(s, body)) for s in secrets], given)

    def split(self, body: bytes) -> list[Event]:
        data = json_object(body)
        if not isinstance(data.get("events"), list):
            raise PayloadError("not a LINE webhook (events[])")
        events = []
        for event in data["events"]:
            if not isinstance(event, dict) or not event.get("webhookEventId"):
                raise PayloadError("an event without webhookEventId")
            user = (event.get("source") or {}).get("userId")
            kind = (
                "message"
                if event.get("type") == "message" and user and isinstance(event.get("message"), dict)
                else "other"
            )
            events.append(Event(str(event["webhookEventId"]), kind, event))
        return events

    def read_message(self, payload: dict[str, Any]) -> Incoming:
        message = payload["message"]
        user = str(payload["source"]["userId"])
        kind = message.get("type")
        media: tuple[Media, ...] = ()
        if kind == "text":
            text = str(message.get("text") or "")
        elif kind == "location":
            label = " ".join(str(message.get(k) or "") for k in ("title", "address")).strip()
            text = _("[Location] %(place)s") % {"place": label} if label else _("[Location]")
            text = f"{text}\n{maps_link(message.get('latitude'), message.get('longitude'))}"
        elif kind == "sticker":
            text = _("[sticker]")
        elif kind in ("image", "file", "video", "audio"):
            filename = str(message.get("fileName") or f"{kind}-{message.get('id', '')}")
            media = (Media(ref=str(message["id"]), filename=filename),)
            text = _("[image]") if kind == "image" else _("[file: %(name)s]") % {"name": filename}
        else:
            text = _("[A message of a kind the helpdesk cannot show: %(kind)s]") % {"kind": kind}
        return Incoming(user_id=user, text=text, media=media)

    def read_status(self, payload: dict[str, Any]) -> StatusUpdate | None:
        return None  # LINE reports no delivery or read status for pushed messages

    def text_payload(self, recipient: str, text: str) -> dict[str, Any]:
        return {"to": recipient, "messages": [{"type": "text", "text": text}]}

    def send(self, account: Any, payload: dict[str, Any], *, key: str) -> str:
        base = (account.api_base_url or settings.MESSAGING_LINE_BASE_URL).rstrip("/")
        # The retry key makes LINE accept a repeated push once: a retry after a lost answer sends nothing twice.
        raw = http_call(
            "POST",
            f"{base}/v2/bot/message/push",
            token=account.access_token,
            body=payload,
            headers={"X-Line-Retry-Key": key},
        )
        sent = response_json(raw).get("sentMessages") or [{}]
        return str(sent[0].get("id") or "")

    def send_file(self, account: Any, recipient: str, file: FilePart, *, key: str) -> str:
        # LINE takes images and files only by a public HTTPS address, which the helpdesk does not give out.
        raise ProviderError("LINE accepts files only from a public address: this file was not sent", retry=False)

    def fetch_media(self, account: Any, ref: str) -> bytes:
        base = (account.content_base_url or settings.MESSAGING_LINE_CONTENT_BASE_URL).rstrip("/")
        return http_call("GET", f"{base}/v2/bot/message/{ref}/content", token=account.access_token)
