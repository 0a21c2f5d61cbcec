"""WhatsApp Cloud API: webhooks signed with X-Hub-Signature-256 (sha256=<hex HMAC-SHA256 of the raw
body with the app secret>), a GET handshake with hub.verify_token, messages and statuses under
entry[].changes[].value; sent by POST {base}/{version}/{phone number id}/messages."""

from __future__ import annotations

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

STATUSES = {"sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed"}
MEDIA_TYPES = ("image", "document", "sticker", "audio", "video")


class WhatsApp:
    name = "whatsapp"
    signature_header = "HTTP_X_HUB_SIGNATURE_256"

    def verify(self, *, body: bytes, signature: str, secrets: list[str]) -> bool:
        given = signature.strip().encode("utf-8", "replace")
        return any_matches([b"sha256=" + hmac_sha256(s, body).hex().encode("ascii") for s in secrets], given)

    def split(self, body: bytes) -> list[Event]:
        data = json_object(body)
        if data.get("object") != "whatsapp_business_account" or not isinstance(data.get("entry"), list):
            raise PayloadError("not a WhatsApp Business Account notification (object, entry[])")
        events: list[Event] = []
        for entry in data["entry"]:
            for change in entry.get("changes") or [] if isinstance(entry, dict) else []:
                value = change.get("value") if isinstance(change, dict) else None
                if not isinstance(value, dict):
                    raise PayloadError("a change without a value")
                contacts = value.get("contacts") or []
                for message in value.get("messages") or []:
                    if not isinstance(message, dict) or not message.get("id") or not message.get("from"):
                        raise PayloadError("a message without id or from")
                    payload = {"message": message, "contacts": contacts, "metadata": value.get("metadata") or {}}
                    events.append(Event(str(message["id"]), "message", payload))
                for status in value.get("statuses") or []:
                    if not isinstance(status, dict) or not status.get("id") or not status.get("status"):
                        raise PayloadError("a status without id or status")
                    events.append(Event(f"status:{status['id']}:{status['status']}", "status", status))
        return events

    def read_message(self, payload: dict[str, Any]) -> Incoming:
        message = payload["message"]
        wa_id = str(message["from"])
        name = ""
        for contact in payload.get("contacts") or []:
            if str(contact.get("wa_id")) == wa_id:
                name = str((contact.get("profile") or {}).get("name") or "")
        kind = message.get("type")
        media: tuple[Media, ...] = ()
        if kind == "text":
            text = str((message.get("text") or {}).get("body") or "")
        elif kind == "location":
            place = message.get("location") or {}
            label = " ".join(str(place.get(k) or "") for k in ("name", "address")).strip()
            text = _("[Location] %(place)s") % {"place": label} if label else _("[Location]")
            text = f"{text}\n{maps_link(place.get('latitude'), place.get('longitude'))}"
        elif kind in MEDIA_TYPES:
            item = message.get(kind) or {}
            filename = str(item.get("filename") or f"{kind}-{item.get('id', '')}")
            media = (Media(ref=str(item.get("id") or ""), filename=filename),) if item.get("id") else ()
            text = str(item.get("caption") or "") or _media_text(kind, filename)
        else:
            text = _("[A message of a kind the helpdesk cannot show: %(kind)s]") % {"kind": kind}
        return Incoming(user_id=wa_id, text=text, name=name, phone=f"+{wa_id}", media=media)

    def read_status(self, payload: dict[str, Any]) -> StatusUpdate | None:
        status = STATUSES.get(str(payload.get("status")))
        if status is None:
            return None
        errors = payload.get("errors") or []
        error = "; ".join(f"{e.get('code', '')} {e.get('title', '')}".strip() for e in errors if isinstance(e, dict))
        return StatusUpdate(provider_message_id=str(payload["id"]), status=status, error=error)

    # Sending
    def _base(self, account: Any) -> str:
        base = (account.api_base_url or settings.MESSAGING_WHATSAPP_BASE_URL).rstrip("/")
        return f"{base}/{settings.MESSAGING_WHATSAPP_API_VERSION}"

    def text_payload(self, recipient: str, text: str) -> dict[str, Any]:
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": recipient,
            "type": "text",
            "text": {"preview_url": False, "body": text},
        }

    def template_payload(self, recipient: str, name: str, language: str, parameters: list[str]) -> dict[str, Any]:
        template: dict[str, Any] = {"name": name, "language": {"code": language}}
        if parameters:
            template["components"] = [
                {"type": "body", "parameters": [{"type": "text", "text": value} for value in parameters]}
            ]
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": recipient,
            "type": "template",
            "template": template,
        }

    def send(self, account: Any, payload: dict[str, Any], *, key: str) -> str:
        raw = http_call(
            "POST", f"{self._base(account)}/{account.sender_id}/messages", token=account.access_token, body=payload
        )
        messages = response_json(raw).get("messages") or [{}]
        return str(messages[0].get("id") or "")

    def send_file(self, account: Any, recipient: str, file: FilePart, *, key: str) -> str:
        """Uploaded to WhatsApp's media store first, then sent by its media id."""
        base, token = self._base(account), account.access_token
        form = {"messaging_product": "whatsapp", "type": file.content_type}
        uploaded = response_json(
            http_call("POST", f"{base}/{account.sender_id}/media", token=token, body=form, file=file)
        )
        media_id = uploaded.get("id")
        if not media_id:
            raise ProviderError("the upload gave no media id", retry=True)
        kind = "image" if file.content_type in ("image/jpeg", "image/png") else "document"
        media: dict[str, Any] = {"id": str(media_id)}
        if kind == "document":
            media["filename"] = file.name
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": recipient,
            "type": kind,
            kind: media,
        }
        return self.send(account, payload, key=key)

    def fetch_media(self, account: Any, ref: str) -> bytes:
        info = response_json(http_call("GET", f"{self._base(account)}/{ref}", token=account.access_token))
        url = info.get("url")
        if not url:
            raise ProviderError("the media has no URL", retry=True)
        return http_call("GET", str(url), token=account.access_token)


def _media_text(kind: str, filename: str) -> str:
    if kind == "sticker":
        return _("[sticker]")
    if kind == "image":
        return _("[image]")
    return _("[file: %(name)s]") % {"name": filename}
