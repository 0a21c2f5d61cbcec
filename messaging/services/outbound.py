"""Replies on their way to a provider, and the customer's media on its way to us: rows with a due
time. A claim moves the due time ahead by a lease (so a crashed worker's row is tried again later,
never by two at once), the call is made outside any transaction, then the outcome is recorded:
sent, tried again after a backoff, or failed for good (shown on the message in the thread)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpdesk.tasking import enqueue
from tickets.history import ticket_event_record
from tickets.models import Attachment, Message
from tickets.services import AttachmentInput, message_attach_files

from ..history import MessagingEventKind
from ..models import ChannelAccount, DeliveryStatus, MediaFetch, OutboundMessage
from ..providers import PROVIDERS, FilePart, ProviderError
from .common import account_error, backoff

LEASE = timedelta(minutes=5)


def outbound_queue(
    *, account: ChannelAccount, message: Message, recipient: str, payload: dict[str, Any]
) -> list[OutboundMessage]:
    """A reply to send (from the channel's adapter, inside the reply's transaction), sent after
    commit: its text, then each of its files as a part of its own."""
    now = timezone.now()
    rows = [OutboundMessage(account=account, message=message, recipient=recipient, payload=payload, due_at=now)]
    for number, attachment in enumerate(message.attachments.order_by("pk"), start=1):
        file = {"attachment": attachment.pk, "name": attachment.original_name}
        rows.append(
            OutboundMessage(
                account=account, message=message, part=number, recipient=recipient, payload=file, due_at=now
            )
        )
    for row in rows:
        row.save()
        enqueue("messaging.tasks.send_outbound", row.pk)
    return rows


def _claim(model: Any, pk: int, **state: Any) -> Any:
    with transaction.atomic():
        row = (
            model.objects.select_for_update(skip_locked=True)
            .select_related("account")
            .filter(pk=pk, due_at__lte=timezone.now(), **state)
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        row.due_at = timezone.now() + LEASE
        row.save(update_fields=["attempts", "due_at"])
        return row


def outbound_send(*, outbound_id: int) -> str:
    row = _claim(OutboundMessage, outbound_id, status=DeliveryStatus.QUEUED)
    if row is None:
        return "nothing to do"
    provider = PROVIDERS[row.account.provider]
    key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"helpdesk-outbound-{row.pk}"))  # the same on every retry
    try:
        if not row.account.active:
            raise ProviderError("the account is not active", retry=False)
        if row.part:
            provider_id = provider.send_file(row.account, row.recipient, _file(row), key=key)
        else:
            provider_id = provider.send(row.account, row.payload, key=key)
    except ProviderError as error:
        return _send_failed(row, str(error), retry=error.retry)
    OutboundMessage.objects.filter(pk=row.pk, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENT, provider_message_id=provider_id, due_at=None, error="", status_at=timezone.now()
    )
    return "sent"


def _file(row: OutboundMessage) -> FilePart:
    attachment = Attachment.objects.filter(pk=row.payload.get("attachment")).first()
    if attachment is None:
        raise ProviderError("the file was deleted before it was sent", retry=False)
    with attachment.file.open("rb") as handle:
        content = handle.read()
    return FilePart(field="file", name=attachment.original_name, content_type=attachment.content_type, content=content)


def _send_failed(row: OutboundMessage, error: str, *, retry: bool) -> str:
    if retry and row.attempts < settings.MESSAGING_MAX_ATTEMPTS:
        OutboundMessage.objects.filter(pk=row.pk).update(due_at=backoff(row.attempts), error=error[:2000])
        return "retry"
    outbound_failed(row=row, error=error)
    return "failed"


@transaction.atomic
def outbound_failed(*, row: OutboundMessage, error: str) -> None:
    """A reply the provider will not deliver: shown on its message and in the ticket's history."""
    changed = (
        OutboundMessage.objects.filter(pk=row.pk)
        .exclude(status=DeliveryStatus.FAILED)
        .update(status=DeliveryStatus.FAILED, due_at=None, error=error[:2000], status_at=timezone.now())
    )
    if changed:
        message = Message.objects.select_related("ticket").get(pk=row.message_id)
        what = row.file_name or message.body.split("\n", 1)[0][:80]
        ticket_event_record(
            ticket=message.ticket, kind=MessagingEventKind.REPLY_NOT_DELIVERED, data={"old": what, "new": error[:200]}
        )
        account_error(row.account_id, error)


def media_fetch(*, fetch_id: int) -> str:
    row = _claim(MediaFetch, fetch_id, fetched_at__isnull=True, failed=False)
    if row is None:
        return "nothing to do"
    try:
        content = PROVIDERS[row.account.provider].fetch_media(row.account, row.media_ref)
        if len(content) > settings.MESSAGING_MAX_MEDIA_BYTES:
            raise ProviderError("the file is too large to keep", retry=False)
    except ProviderError as error:
        if error.retry and row.attempts < settings.MESSAGING_MAX_ATTEMPTS:
            MediaFetch.objects.filter(pk=row.pk).update(due_at=backoff(row.attempts), error=str(error)[:2000])
            return "retry"
        MediaFetch.objects.filter(pk=row.pk).update(failed=True, due_at=None, error=str(error)[:2000])
        account_error(row.account_id, str(error))
        return "failed"
    with transaction.atomic():
        message = Message.objects.select_related("ticket").get(pk=row.message_id)
        notes = message_attach_files(message=message, files=[AttachmentInput(name=row.filename, content=content)])
        # A file of a type the helpdesk does not keep (a voice note) stays listed as not received, with why.
        MediaFetch.objects.filter(pk=row.pk).update(
            fetched_at=timezone.now(), due_at=None, error="; ".join(notes), failed=bool(notes)
        )
    return "refused" if notes else "fetched"


def _due(model: Any, **state: Any) -> list[int]:
    return list(
        model.objects.filter(due_at__lte=timezone.now(), **state)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:200]
    )


def outbound_send_due() -> int:
    return sum(outbound_send(outbound_id=pk) == "sent" for pk in _due(OutboundMessage, status=DeliveryStatus.QUEUED))


def media_fetch_due() -> int:
    return sum(media_fetch(fetch_id=pk) == "fetched" for pk in _due(MediaFetch, fetched_at__isnull=True, failed=False))
