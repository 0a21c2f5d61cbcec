"""Telegram Bot API: webhooks carry X-Telegram-Bot-Api-Secret-Token, the secret given to setWebhook;
an Update per delivery (update_id); sent by POST {base}/bot<token>/sendMessage; files by getFile then
{base}/file/bot<token>/<file_path>."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

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
    http_call,
    json_object,
    maps_link,
    response_json,
)


class Telegram:
    name = "telegram"
    signature_header = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"

    def verify(self, *, body: bytes, signature: str, secrets: list[str]) -> bool:
        return any_matches([s.encode("utf-8") for s in secrets], signature.encode("utf-8", "replace"))

    def split(self, body: bytes) -> list[Event]:
        data = json_object(body)
        if not isinstance(data.get("update_id"), int):
            raise PayloadError("not a Telegram Update (update_id)")
        message = data.get("message")
        usable = isinstance(message, dict) and isinstance(message.get("chat"), dict) and "id" in message["chat"]
        return [Event(str(data["update_id"]), "message" if usable else "other", data)]

    def read_message(self, payload: dict[str, Any]) -> Incoming:
        message = payload["message"]
        sender = message.get("from") or {}
        name = " ".join(str(sender.get(k) or "") for k in ("first_name", "last_name")).strip()
        media: tuple[Media, ...] = ()
        caption = str(message.get("caption") or "")
        if "text" in message:
            text = str(message["text"])
        elif "location" in message:
            place = message["location"]
            text = f"{_('[Location]')}\n{maps_link(place.get('latitude'), place.get('longitude'))}"
        elif "sticker" in message:
            emoji = str(message["sticker"].get("emoji") or "")
            text = f"{_('[sticker]')} {emoji}".strip()
        elif message.get("photo"):
            largest = max(message["photo"], key=lambda size: size.get("file_size") or size.get("width", 0))
            media = (Media(ref=str(largest["file_id"]), filename=f"photo-{largest.get('file_unique_id', '')}.jpg"),)
            text = caption or _("[image]")
        elif "document" in message:
            document = message["document"]
            filename = str(document.get("file_name") or "document")
            media = (Media(ref=str(document["file_id"]), filename=filename),)
            text = caption or _("[file: %(name)s]") % {"name": filename}
        else:
            text = _("[A message of a kind the helpdesk cannot show: %(kind)s]") % {"kind": "telegram"}
        return Incoming(
            user_id=str(message["chat"]["id"]),
            text=text,
            name=name or str(sender.get("username") or ""),
            language=sender.get("language_code") or None,
            media=media,
        )

    def read_status(self, payload: dict[str, Any]) -> StatusUpdate | None:
        return None  # the Bot API reports no delivery or read status

    def _base(self, account: Any) -> str:
        return (account.api_base_url or settings.MESSAGING_TELEGRAM_BASE_URL).rstrip("/")

    def text_payload(self, recipient: str, text: str) -> dict[str, Any]:
        return {"chat_id": int(recipient) if recipient.lstrip("-").isdigit() else recipient, "text": text}

    def send(self, account: Any, payload: dict[str, Any], *, key: str) -> str:
        answer = response_json(
            http_call("POST", f"{self._base(account)}/bot{account.access_token}/sendMessage", body=payload)
        )
        if not answer.get("ok"):
            raise ProviderError(str(answer.get("description") or "not ok"), retry=False)
        return str((answer.get("result") or {}).get("message_id") or "")

    def send_file(self, account: Any, recipient: str, file: FilePart, *, key: str) -> str:
        method, field = (
            ("sendPhoto", "photo") if file.content_type.startswith("image/") else ("sendDocument", "document")
        )
        url = f"{self._base(account)}/bot{account.access_token}/{method}"
        upload = FilePart(field=field, name=file.name, content_type=file.content_type, content=file.content)
        answer = response_json(http_call("POST", url, body={"chat_id": recipient}, file=upload))
        if not answer.get("ok"):
            raise ProviderError(str(answer.get("description") or "not ok"), retry=False)
        return str((answer.get("result") or {}).get("message_id") or "")

    def fetch_media(self, account: Any, ref: str) -> bytes:
        base, token = self._base(account), account.access_token
        answer = response_json(http_call("POST", f"{base}/bot{token}/getFile", body={"file_id": ref}))
        path = (answer.get("result") or {}).get("file_path")
        if not answer.get("ok") or not path:
            raise ProviderError(str(answer.get("description") or "no file_path"), retry=True)
        return http_call("GET", f"{base}/file/bot{token}/{quote(str(path))}")
