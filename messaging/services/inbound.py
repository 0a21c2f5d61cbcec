"""Receiving a webhook: check the signature over the raw bytes, store each event once, enqueue.

Nothing is stored unless the signature is right (401) and the body is the provider's documented
shape (400; the refusal is counted on the account's health, not stored: there is nothing in it to
process). Each event is a row unique per account and provider id, so a retried delivery, LINE's
redelivery or a replayed body is answered 200 and stores nothing new."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from helpdesk import jsonsafe
from helpdesk.tasking import enqueue
from tickets.redaction import redact

from ..models import ChannelAccount, InboundEvent
from ..providers import PROVIDERS, PayloadError
from .common import account_error

logger = logging.getLogger(__name__)

KEPT_HEADERS = ("CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_USER_AGENT", "HTTP_X_FORWARDED_FOR")


@dataclass(frozen=True)
class Answer:
    status: int
    payload: dict[str, Any] = field(default_factory=dict)
    stored: int = 0


def _headers(meta: dict[str, Any], signature_header: str, *, shared_secret: bool) -> dict[str, str]:
    """The headers worth keeping with the body: a signature, but never a secret sent as it is (Telegram's)."""
    names = KEPT_HEADERS if shared_secret else (*KEPT_HEADERS, signature_header)
    return {name: str(meta[name]) for name in names if name in meta}


# Where the providers put a customer's own words (text, captions, file and place names): a card
# number there is masked before the event is stored. Ids and phone numbers sit under other keys and
# are kept as they came (a phone number can pass the card check).
WORDS = frozenset({"body", "text", "caption", "filename", "file_name", "fileName", "title", "address", "name"})


def _masked(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        return redact(value) if key in WORDS else value
    if isinstance(value, dict):
        return {name: _masked(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, key) for item in value]
    return value


def _kept_body(body: bytes) -> bytes:
    """The body byte for byte, unless the customer's words in it held a card number: then the same
    JSON with it masked (the signature was checked on what arrived)."""
    received = json.loads(body)
    masked = _masked(received)
    return body if masked == received else json.dumps(masked, ensure_ascii=False).encode()


def webhook_receive(*, provider: str, slug: str, body: bytes, meta: dict[str, Any]) -> Answer:
    """Check, store and enqueue one webhook delivery; see the module's description."""
    reader = PROVIDERS.get(provider)
    account = ChannelAccount.objects.filter(provider=provider, slug=slug, active=True).first()
    if reader is None or account is None:  # no secret to check it with; which accounts exist is not told
        return Answer(401, {"error": "invalid or missing signature"})
    signature = str(meta.get(reader.signature_header, ""))
    if not signature or not reader.verify(body=body, signature=signature, secrets=account.secrets()):
        return Answer(401, {"error": "invalid or missing signature"})
    # Refused once the signature is known good: JSON PostgreSQL cannot store (a NUL, a lone
    # surrogate, too deep), or not the shape the provider documents.
    problem = jsonsafe.problem(body)
    if problem is None:
        try:
            events = reader.split(body)
        except PayloadError as error:
            problem = str(error)
        except (AttributeError, KeyError, TypeError, ValueError):
            problem = "the body is not in the provider's documented shape"
    if problem is not None:
        ChannelAccount.objects.filter(pk=account.pk).update(rejected_count=F("rejected_count") + 1)
        account_error(account.pk, f"refused delivery: {problem}")
        return Answer(400, {"error": problem})
    headers = _headers(meta, reader.signature_header, shared_secret=reader.name == "telegram")
    now = timezone.now()
    stored = 0
    body = _kept_body(body)
    with transaction.atomic():
        for event in events:
            try:
                with transaction.atomic():
                    row = InboundEvent.objects.create(
                        account=account,
                        event_id=event.event_id[:200],
                        kind=event.kind,
                        body=body,
                        headers=headers,
                        payload=_masked(event.payload),
                        received_at=now,
                        processed_at=None if event.kind != InboundEvent.Kind.OTHER else now,
                    )
            except IntegrityError:  # seen before: a retry, a redelivery or a replay
                continue
            stored += 1
            if event.kind != InboundEvent.Kind.OTHER:
                enqueue("messaging.tasks.process_event", row.pk)
    if not events:  # nothing in it for us (LINE's check of a new webhook address sends no events)
        return Answer(200, {"status": "nothing to store", "stored": 0})
    return Answer(200, {"status": "accepted" if stored else "duplicate", "stored": stored}, stored)
