"""Receiving a webhook: check the signature over the raw bytes, validate, store once, enqueue.

Nothing is stored unless the signature is right and the body is a usable update. A delivery
already stored (same sender and dedup key) is answered 200 and changes nothing, so the
sender's retries and a replayed body are harmless; the insert is one statement with
ON CONFLICT DO NOTHING, so simultaneous copies store one row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from .. import conf
from ..choices import Sender
from ..formats import PARSERS, ParsedUpdate, PayloadError
from ..models import WebhookDelivery


@dataclass(frozen=True)
class Intake:
    """The answer to give the sender."""

    status: int
    payload: dict[str, Any] = field(default_factory=dict)
    delivery_id: int | None = None


def aftership_signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def seventeentrack_signature(body: bytes, key: str) -> str:
    # 17TRACK signs with a plain hash of body + "/" + key, not an HMAC.
    return hashlib.sha256(body + b"/" + key.encode("utf-8")).hexdigest()


def _matching_secret(
    body: bytes, signature: str, secrets: list[str], sign: Callable[[bytes, str], str], *, lower: bool
) -> int | None:
    """The index of the secret that produced the signature, compared in constant time; every
    configured secret is tried (two are accepted during a rotation)."""
    given = signature.strip()
    given_bytes = (given.lower() if lower else given).encode("utf-8", "replace")
    found = None
    for index, secret in enumerate(secrets):
        if hmac.compare_digest(sign(body, secret).encode("ascii"), given_bytes) and found is None:
            found = index
    return found


def verify_signature(*, sender: str, body: bytes, signature: str) -> int | None:
    if not signature:
        return None
    if sender == Sender.AFTERSHIP:
        return _matching_secret(body, signature, conf.aftership_secrets(), aftership_signature, lower=False)
    return _matching_secret(body, signature, conf.seventeentrack_keys(), seventeentrack_signature, lower=True)


def parse_body(sender: str, body: bytes) -> ParsedUpdate:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise PayloadError("the body is not valid JSON (UTF-8)") from None
    return PARSERS[sender](data)


def _order_reference(update: ParsedUpdate) -> str:
    for reference in update.order_references:
        cleaned = reference.strip().lstrip("#").strip()
        if cleaned:
            return cleaned[:100]
    return ""


def _store(*, sender: str, update: ParsedUpdate, body: bytes, key_index: int) -> int | None:
    """Insert the delivery unless its key is known; the new row's id, or None for a repeat."""
    state = WebhookDelivery.State.IGNORED if update.ignored else WebhookDelivery.State.RECEIVED
    table = connection.ops.quote_name(WebhookDelivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (sender, dedup_key, body, signature_key, event_type, tracking_number, "  # noqa: S608
            "carrier_code, order_reference, state, attempts, error, received_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 0, '', %s) "
            "ON CONFLICT (sender, dedup_key) DO NOTHING RETURNING id",
            [
                sender,
                update.dedup_key,
                body,
                key_index,
                update.event_type[:60],
                update.tracking_number,
                update.carrier_code[:60],
                _order_reference(update),
                state,
                timezone.now(),
            ],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def delivery_receive(*, sender: str, body: bytes, signature: str) -> Intake:
    """Check, validate and store one webhook body; processing follows in a task."""
    if sender not in PARSERS:
        return Intake(404, {"error": "unknown sender"})
    key_index = verify_signature(sender=sender, body=body, signature=signature)
    if key_index is None:
        return Intake(401, {"error": "invalid or missing signature"})
    try:
        update = parse_body(sender, body)
    except PayloadError as error:
        return Intake(400, {"error": str(error)})
    delivery_id = _store(sender=sender, update=update, body=body, key_index=key_index)
    if delivery_id is None:
        return Intake(200, {"status": "duplicate"})
    if not update.ignored:
        from .processing import processing_wake

        processing_wake(delivery_id=delivery_id)
    return Intake(202, {"status": "accepted"}, delivery_id)
