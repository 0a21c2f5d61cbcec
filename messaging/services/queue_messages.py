"""A waiting app user is told their place in the queue and the expected wait (tickets/waiting.py), in
their language, as an automatic message through the provider's send API: once when their wait
begins, and again from the sweep when the estimate changed a lot. It is a system message, not an
agent's reply: it meets no first-response target and ends no wait.

What was told is a row per ticket (`QueueMessage`), written in the same transaction as the message
and its send, so the database knows what the customer heard: a sweep run twice, or a lost task,
tells nothing twice. Nothing is told while an agent is in the middle of the conversation (replied
less than MESSAGING_QUEUE_QUIET_MINUTES ago), after an agent replied, outside WhatsApp's window, or
while an app above answers the conversation itself (`listeners.register_conversation_holder`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from tickets.listeners import conversation_held
from tickets.models import Message, MessageKind, Ticket
from tickets.waiting import QueueEstimate, queue_estimate, queue_estimates

from ..models import Provider, QueueMessage
from .system import system_message_allowed, system_message_send

SWEEP_BATCH = 200


def queue_text(estimate: QueueEstimate, language: str) -> str:
    """What the customer reads, in their language."""
    with translation.override(language):
        if estimate.minutes is None:
            return gettext("No agent is available right now; we will answer as soon as one is back.")
        return ngettext(
            "You are number %(position)d in the queue — about %(minutes)d minute.",
            "You are number %(position)d in the queue — about %(minutes)d minutes.",
            estimate.minutes,
        ) % {"position": estimate.position, "minutes": estimate.minutes}


def changed_a_lot(told: QueueMessage, now: QueueEstimate) -> bool:
    """Worth another message: an agent came on shift or none is left; the place improved by half or
    moved by three or more; or the expected wait moved by five minutes and by half of what was told."""
    if (told.minutes is None) != (now.minutes is None):
        return True
    if now.minutes is None or told.minutes is None:
        return False
    if abs(told.position - now.position) >= 3 or (told.position > 1 and now.position * 2 <= told.position):
        return True
    change = abs(now.minutes - told.minutes)
    return change >= 5 and change * 2 >= told.minutes


def _may_tell(ticket: Ticket) -> bool:
    return system_message_allowed(ticket)


def _tell(ticket: Ticket, estimate: QueueEstimate) -> Message:
    message = system_message_send(ticket=ticket, body=queue_text(estimate, ticket.language))
    assert message is not None  # checked by _may_tell
    return message


def _in_full_flow(estimate: QueueEstimate, now: datetime) -> bool:
    replied = estimate.agent_replied_at
    return replied is not None and now - replied < timedelta(minutes=settings.MESSAGING_QUEUE_QUIET_MINUTES)


@transaction.atomic
def queue_message_on_arrival(*, ticket_id: int) -> Message | None:
    """A customer's message just arrived: when it began a wait not yet told, tell them their place."""
    if not settings.MESSAGING_QUEUE_MESSAGES:
        return None
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket_id)
    if conversation_held(ticket):
        return None  # an app above answers it first (the assistant): no person is due yet
    now = timezone.now()
    estimate = queue_estimate(ticket, now)
    if estimate is None or _in_full_flow(estimate, now) or not _may_tell(ticket):
        return None
    told = QueueMessage.objects.select_for_update().filter(ticket=ticket).first()
    if told is not None and told.waiting_since >= estimate.waiting_since:
        return None  # this wait was told already
    message = _tell(ticket, estimate)
    QueueMessage.objects.update_or_create(
        ticket=ticket,
        defaults={
            "waiting_since": estimate.waiting_since,
            "position": estimate.position,
            "minutes": estimate.minutes,
            "told_at": now,
            "times_told": 1,
        },
    )
    return message


@transaction.atomic
def _tell_again(estimate: QueueEstimate, told_at: datetime, now: datetime) -> bool:
    """Under the row's lock and only if nobody told them since (compare and set): tell the new estimate,
    unless an agent replied since it was computed."""
    told = (
        QueueMessage.objects.select_for_update(skip_locked=True)
        .filter(ticket_id=estimate.ticket_id, told_at=told_at, waiting_since=estimate.waiting_since)
        .first()
    )
    if told is None:
        return False
    replied = Message.objects.filter(
        ticket_id=estimate.ticket_id,
        kind=MessageKind.REPLY,
        is_automatic=False,
        created_at__gte=estimate.waiting_since,
    ).exists()
    ticket = Ticket.objects.get(pk=estimate.ticket_id)
    if replied or not ticket.is_open or not _may_tell(ticket):
        return False
    _tell(ticket, estimate)
    told.position, told.minutes, told.told_at = estimate.position, estimate.minutes, now
    told.times_told += 1
    told.save(update_fields=["position", "minutes", "told_at", "times_told"])
    return True


def queue_messages_sweep(now: datetime | None = None) -> int:
    """The beat's sweep: each app user told of this wait, not told for MESSAGING_QUEUE_UPDATE_MINUTES,
    whose estimate changed a lot, is told again. Returns how many were told."""
    if not settings.MESSAGING_QUEUE_MESSAGES:
        return 0
    now = now or timezone.now()
    estimates = {pk: e for pk, e in queue_estimates(now=now).items() if e.channel in Provider.values}
    if not estimates:
        return 0
    quiet_since = now - timedelta(minutes=settings.MESSAGING_QUEUE_UPDATE_MINUTES)
    due = [
        (estimates[told.ticket_id], told.told_at)
        for told in QueueMessage.objects.filter(ticket_id__in=list(estimates), told_at__lte=quiet_since)
        if told.waiting_since == estimates[told.ticket_id].waiting_since
        and changed_a_lot(told, estimates[told.ticket_id])
    ]
    return sum(_tell_again(estimate, told_at, now) for estimate, told_at in due[:SWEEP_BATCH])
