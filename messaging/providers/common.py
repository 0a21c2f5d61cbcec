"""What the three providers have in common: events split from a webhook body, a customer's message
read from an event, and the small HTTP client that talks to their APIs."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


class PayloadError(ValueError):
    """The body is not what the provider documents (not JSON, not the expected shape)."""


class ProviderError(Exception):
    """A call to the provider's API failed; `retry` says whether trying again may help."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class Event:
    """One event of a webhook delivery: its provider id (the dedup key) and its own JSON."""

    event_id: str
    kind: str  # InboundEvent.Kind
    payload: dict[str, Any]


@dataclass(frozen=True)
class Media:
    ref: str  # the provider's id for fetching it
    filename: str


@dataclass(frozen=True)
class Incoming:
    """A customer's message as the helpdesk shows it: text (a location as a maps link, a sticker as
    what it is) and the files to fetch."""

    user_id: str  # who wrote, and the conversation: a WhatsApp id, a LINE user id, a Telegram chat id
    text: str
    name: str = ""
    phone: str = ""
    language: str | None = None
    media: tuple[Media, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class StatusUpdate:
    provider_message_id: str
    status: str  # DeliveryStatus
    error: str = ""


def json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise PayloadError("the body is not valid JSON (UTF-8)") from None
    if not isinstance(data, dict):
        raise PayloadError("the body is not a JSON object")
    return data


def hmac_sha256(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()


def any_matches(expected: list[bytes], given: bytes) -> bool:
    """Compared in constant time with every accepted value (the current secret and, during a
    rotation, the previous one); no early exit reveals which."""
    found = False
    for value in expected:
        found |= hmac.compare_digest(value, given)
    return found


def maps_link(latitude: Any, longitude: Any) -> str:
    return f"https://www.google.com/maps?q={float(latitude):.6f},{float(longitude):.6f}"


@dataclass(frozen=True)
class FilePart:
    field: str
    name: str
    content_type: str
    content: bytes


def _multipart(fields: dict[str, str], file: FilePart) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    lines: list[bytes] = []
    for name, value in fields.items():
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            value.encode(),
        ]
    safe_name = file.name.replace('"', "").replace("\r", "").replace("\n", "")
    lines += [
        f"--{boundary}".encode(),
        f'Content-Disposition: form-data; name="{file.field}"; filename="{safe_name}"'.encode(),
        f"Content-Type: {file.content_type}".encode(),
        b"",
        file.content,
        f"--{boundary}--".encode(),
        b"",
    ]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={boundary}"


def http_call(
    method: str,
    url: str,
    *,
    token: str = "",
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    file: FilePart | None = None,
) -> bytes:
    """One request to a provider (JSON, or a form with one file); the response body, or ProviderError
    (a 4xx other than 429 is not worth retrying: the request itself is wrong)."""
    content_type = "application/json"
    data: bytes | None
    if file is not None:
        data, content_type = _multipart({k: str(v) for k, v in (body or {}).items()}, file)
    else:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - the admin sets the base URL
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=settings.MESSAGING_HTTP_TIMEOUT) as response:  # noqa: S310
            return bytes(response.read(settings.MESSAGING_MAX_MEDIA_BYTES + 1))
    except urllib.error.HTTPError as error:
        detail = error.read(2000).decode("utf-8", "replace")
        retry = error.code == 429 or error.code >= 500
        raise ProviderError(f"HTTP {error.code}: {detail}", retry=retry) from None
    except (urllib.error.URLError, OSError) as error:
        raise ProviderError(f"unreachable: {error}", retry=True) from None


def response_json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise ProviderError("the provider's answer is not JSON", retry=True) from None
    return data if isinstance(data, dict) else {}
