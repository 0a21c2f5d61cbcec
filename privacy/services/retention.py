"""Retention: each kind of record is kept as long as its policy says, then emptied or deleted.

The policy of a kind is its row in the admin (RetentionPolicy) or else the default of
settings.PRIVACY_RETENTION_DAYS. A dry run counts what would go; the sweep applies the policies in
batches and is safe to run twice (what was emptied is not found again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from logistics.models import WebhookDelivery
from tickets.models import Attachment, Channel, InboundEmail, OutboundEmail, Status, Ticket
from workspace.models import AuditEntry

from ..models import RecordKind, RetentionPolicy
from ..registry import ERASED, holding_for, holdings
from .scrub import RETENTION_FLAG, batched, scrub_rows, set_flag


@dataclass(frozen=True)
class RetentionLine:
    kind: str
    label: str
    keep_days: int
    active: bool
    cutoff: datetime
    count: int


def _closed(cutoff: datetime, chat: bool) -> QuerySet[Any]:
    channel = Q(channel=Channel.CHAT) if chat else ~Q(channel=Channel.CHAT)
    return Ticket.objects.filter(channel, status=Status.CLOSED, closed_at__lt=cutoff).exclude(subject=ERASED)


def _erase_tickets(ids: list[Any]) -> int:
    """A closed ticket's words and files go; its figures (times, states, amounts) stay."""
    for holding in holdings():
        if holding.ticket and holding.erases and holding.model is not Ticket:
            scrub_rows(holding, list(holding.rows_for_tickets(ids).values_list("pk", flat=True)))
    ticket_holding = holding_for(Ticket)
    return scrub_rows(ticket_holding, ids) if ticket_holding else 0


def _empty(model: Any, **values: Any) -> Callable[[list[Any]], int]:
    return lambda ids: model.objects.filter(pk__in=ids).update(**values)


def _delete_attachments(ids: list[Any]) -> int:
    holding = holding_for(Attachment)
    return scrub_rows(holding, ids) if holding else 0


def _delete_audit_rows(ids: list[Any]) -> int:
    with transaction.atomic():
        set_flag(RETENTION_FLAG)
        return AuditEntry.objects.filter(pk__in=ids).delete()[0]


def _email_copies(cutoff: datetime) -> list[tuple[QuerySet[Any], Callable[[list[Any]], int]]]:
    inbound = InboundEmail.objects.filter(received_at__lt=cutoff).exclude(raw=b"")
    sent = OutboundEmail.objects.filter(
        created_at__lt=cutoff, state__in=[OutboundEmail.State.SENT, OutboundEmail.State.FAILED]
    ).exclude(body_text=ERASED)
    return [
        (inbound, _empty(InboundEmail, raw=b"")),
        (sent, _empty(OutboundEmail, body_text=ERASED, body_html="")),
    ]


def _work(kind: str, cutoff: datetime) -> list[tuple[QuerySet[Any], Callable[[list[Any]], int]]]:
    """What a kind's policy finds past its cutoff, and how it is removed."""
    if kind == RecordKind.CLOSED_TICKETS:
        return [(_closed(cutoff, chat=False), _erase_tickets)]
    if kind == RecordKind.CHAT_TRANSCRIPTS:
        return [(_closed(cutoff, chat=True), _erase_tickets)]
    if kind == RecordKind.ATTACHMENTS:
        return [(Attachment.objects.filter(created_at__lt=cutoff), _delete_attachments)]
    if kind == RecordKind.WEBHOOK_BODIES:
        old = WebhookDelivery.objects.filter(processed_at__lt=cutoff).exclude(body=b"")
        return [(old, _empty(WebhookDelivery, body=b""))]
    if kind == RecordKind.EMAIL_COPIES:
        return _email_copies(cutoff)
    if kind == RecordKind.AUDIT_ROWS:
        return [(AuditEntry.objects.filter(created_at__lt=cutoff), _delete_audit_rows)]
    raise ValueError(kind)


def retention_policies() -> list[tuple[str, str, int, bool]]:
    """(kind, label, days kept, applied) for every kind, the admin's row winning over the default."""
    rows = {policy.kind: policy for policy in RetentionPolicy.objects.all()}
    result = []
    for kind, label in RecordKind.choices:
        policy = rows.get(kind)
        days = policy.keep_days if policy else int(settings.PRIVACY_RETENTION_DAYS[kind])
        result.append((kind, str(label), days, policy.is_active if policy else True))
    return result


def retention_dry_run(*, now: datetime | None = None) -> list[RetentionLine]:
    now = now or timezone.now()
    lines = []
    for kind, label, days, active in retention_policies():
        cutoff = now - timedelta(days=days)
        count = sum(rows.count() for rows, _remove in _work(kind, cutoff))
        lines.append(RetentionLine(kind, label, days, active, cutoff, count))
    return lines


def retention_apply(*, now: datetime | None = None, max_batches: int | None = None) -> dict[str, int]:
    """Apply every active policy, at most `max_batches` batches per kind; the rows removed per kind."""
    now = now or timezone.now()
    max_batches = max_batches or settings.PRIVACY_MAX_BATCHES
    done: dict[str, int] = {}
    for kind, _label, days, active in retention_policies():
        if not active:
            continue
        cutoff = now - timedelta(days=days)
        done[kind] = 0
        for rows, remove in _work(kind, cutoff):
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[: max_batches * settings.PRIVACY_BATCH_SIZE])
            for batch in batched(ids):
                done[kind] += remove(batch)
    return done
