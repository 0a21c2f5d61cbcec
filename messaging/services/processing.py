"""Processing a stored event: a customer's message through the one intake path (tickets), its media
as separate fetches, a delivery status onto the reply it is about. Safe to run twice: an event is
claimed under a row lock and marked processed in the same transaction as what it did."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.tasking import enqueue
from tickets.services import Arrival, Sender, intake_receive

from ..models import STATUS_RANK, ChannelAccount, DeliveryStatus, InboundEvent, MediaFetch, OutboundMessage, Provider
from ..providers import PROVIDERS, Incoming, StatusUpdate
from .common import account_error, conversation_key
from .outbound import outbound_failed
from .queue_messages import queue_message_on_arrival

logger = logging.getLogger(__name__)

GRACE = timedelta(seconds=30)  # the sweep leaves younger events to the task enqueued for them


def _subject(provider: str, incoming: Incoming) -> str:
    first = next((line.strip() for line in incoming.text.splitlines() if line.strip()), "")
    who = incoming.name or incoming.phone or incoming.user_id
    return f"{Provider(provider).label}: {who} · {first}"[:120]


def _lock_conversation(key: str) -> None:
    """Two first messages of one new conversation, processed at once, would each open a ticket (the
    intake finds no ticket for either): they take turns, by a transaction lock on the conversation."""
    if connection.vendor == "postgresql":
        number = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def _account_of(event: InboundEvent) -> ChannelAccount:
    """WhatsApp sends every number of an app to the app's one webhook: the number written to
    (metadata.phone_number_id) names the account, where one has it."""
    account = event.account
    phone_number_id = str((event.payload.get("metadata") or {}).get("phone_number_id") or "")
    if account.provider == Provider.WHATSAPP and phone_number_id and phone_number_id != account.sender_id:
        routed = ChannelAccount.objects.filter(
            provider=Provider.WHATSAPP, sender_id=phone_number_id, active=True
        ).first()
        return routed or account
    return account


def _receive_message(event: InboundEvent) -> int:
    account = _account_of(event)
    incoming = PROVIDERS[account.provider].read_message(event.payload)
    _lock_conversation(conversation_key(account, incoming.user_id))
    received = intake_receive(
        Arrival(
            channel=account.provider,
            sender=Sender(
                phone=incoming.phone,
                app_ids={account.provider: incoming.user_id},
                name=incoming.name,
                language=incoming.language,
            ),
            conversation_key=conversation_key(account, incoming.user_id),
            subject=_subject(account.provider, incoming),
            body=incoming.text,
            language=incoming.language,
            files_to_come=len(incoming.media),
        )
    )
    now = timezone.now()
    for media in incoming.media:
        fetch = MediaFetch.objects.create(
            account=account, message=received.message, media_ref=media.ref, filename=media.filename[:200], due_at=now
        )
        enqueue("messaging.tasks.fetch_media", fetch.pk)
    try:
        with transaction.atomic():
            queue_message_on_arrival(ticket_id=received.ticket.pk)
    except Exception:  # the customer's message is kept whatever happens to the queue message
        logger.exception("the queue message of ticket %s was not sent", received.ticket.pk)
    return received.message.pk


def status_apply(*, provider: str, update: StatusUpdate) -> bool:
    """The provider says what became of a reply (its message ids are unique to the provider, whichever
    of its accounts sent it); a status never goes back (a late 'delivered' after 'read')."""
    row = (
        OutboundMessage.objects.select_for_update()
        .filter(account__provider=provider, provider_message_id=update.provider_message_id)
        .first()
    )
    if row is None or STATUS_RANK[DeliveryStatus(update.status)] <= STATUS_RANK[DeliveryStatus(row.status)]:
        return False
    if update.status == DeliveryStatus.FAILED:
        outbound_failed(row=row, error=update.error or str(DeliveryStatus.FAILED.label))
        return True
    row.status = update.status
    row.status_at = timezone.now()
    row.save(update_fields=["status", "status_at"])
    return True


@transaction.atomic
def event_process(*, event_id: int) -> str:
    event = (
        InboundEvent.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("account")
        .filter(pk=event_id, processed_at__isnull=True)
        .first()
    )
    if event is None:
        return "nothing to do"
    try:
        with transaction.atomic():
            if event.kind == InboundEvent.Kind.MESSAGE:
                event.message_id = _receive_message(event)
            elif event.kind == InboundEvent.Kind.STATUS:
                update = PROVIDERS[event.account.provider].read_status(event.payload)
                if update is not None:
                    status_apply(provider=event.account.provider, update=update)
    except Exception as error:  # kept on the event and the account; the sweep tries again
        logger.warning("messaging event %s failed: %s", event.pk, error)
        event.attempts += 1
        event.error = str(error)[:2000] or error.__class__.__name__
        if event.attempts >= settings.MESSAGING_MAX_ATTEMPTS:
            event.processed_at = timezone.now()  # given up: the health page shows it
        event.save(update_fields=["attempts", "error", "processed_at"])
        account_error(event.account_id, _("Event %(id)s: %(error)s") % {"id": event.event_id, "error": event.error})
        return "failed"
    event.processed_at = timezone.now()
    event.error = ""
    event.save(update_fields=["processed_at", "error", "message_id"])
    return "processed"


def events_process_waiting() -> int:
    """The sweep: events still waiting after the grace time (a lost task message, an earlier failure)."""
    ids = list(
        InboundEvent.objects.filter(processed_at__isnull=True, received_at__lte=timezone.now() - GRACE)
        .order_by("received_at", "id")
        .values_list("pk", flat=True)[:200]
    )
    return sum(event_process(event_id=pk) == "processed" for pk in ids)


def events_purge() -> int:
    """Processed events older than MESSAGING_EVENT_RETENTION_DAYS: their raw bodies are no longer needed
    (the messages they became stay). In batches, so a large backlog never holds a long lock."""
    cutoff = timezone.now() - timedelta(days=settings.MESSAGING_EVENT_RETENTION_DAYS)
    deleted = 0
    while True:
        ids = list(
            InboundEvent.objects.filter(processed_at__lt=cutoff)
            .order_by("processed_at")
            .values_list("pk", flat=True)[:1000]
        )
        if not ids:
            return deleted
        deleted += InboundEvent.objects.filter(pk__in=ids).delete()[0]
