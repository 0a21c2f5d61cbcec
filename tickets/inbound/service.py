"""inbound_email_receive: every inbound email is stored first, then turned into a ticket or
a customer message, ignored (auto-replies, bounces, duplicates) or quarantined with a reason.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from helpdesk.errors import Conflict, ServiceError
from helpdesk.uploads import safe_filename

from .. import services
from ..models import Channel, InboundEmail, Message, OutboundEmail, Ticket
from ..services.email import one_line
from ..services.messages import MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS, validate_attachments
from .parsing import RAW_MIME, ParsedEmail, parse, peek_message_id, synthetic_message_id
from .text import trim_quoted
from .threads import ticket_for_reply

logger = logging.getLogger(__name__)

_CONFLICT_RETRIES = 3
State = InboundEmail.State


def max_inbound_bytes() -> int:
    return int(settings.INBOUND_EMAIL_MAX_BYTES)


@dataclass(frozen=True)
class Outcome:
    state: str
    reason: str
    ticket: Ticket | None = None


def inbound_email_receive(*, raw: bytes, source: str) -> InboundEmail:
    """Store the raw message, then process it. Never raises for a bad message: what cannot be
    used is quarantined with the reason, and the raw bytes stay for an admin to look at.
    (Only a failure to store the row at all propagates, so the reader keeps the message.)"""
    raw = bytes(raw)
    record = InboundEmail.objects.create(
        raw=raw,
        source=one_line(source)[:20],
        message_id=(peek_message_id(raw) or synthetic_message_id(raw))[:255],
        state=State.QUARANTINED,
        reason=_("Received; not processed yet."),
    )
    _run(record, raw)
    return record


def inbound_email_reprocess(*, inbound: InboundEmail) -> InboundEmail:
    """Process a quarantined message again, e.g. after the cause was fixed (a team set up)."""
    if inbound.state != State.QUARANTINED:
        raise ServiceError(_("Only a quarantined email can be processed again."), field="state")
    _run(inbound, bytes(inbound.raw))
    return inbound


def _run(record: InboundEmail, raw: bytes) -> None:
    for attempt in range(1, _CONFLICT_RETRIES + 1):
        try:
            with transaction.atomic():
                _save(record, _process(record, raw))
            return
        except Conflict:  # the ticket changed under us (e.g. an agent solved it): try again
            if attempt == _CONFLICT_RETRIES:
                _save(record, Outcome(State.QUARANTINED, _("The ticket kept changing; try again later.")))
        except ServiceError as error:
            logger.warning("inbound email %s refused: %s", record.pk, error.message)
            _save(record, Outcome(State.QUARANTINED, _("Refused: %(reason)s") % {"reason": error.message}))
            return
        except SoftTimeLimitExceeded:
            raise  # the worker is being stopped: the reader leaves the message unread for the next run
        except Exception as error:
            logger.exception("inbound email %s could not be processed", record.pk)
            reason = _("Processing failed: %(error)s") % {"error": f"{type(error).__name__}: {error}"[:500]}
            _save(record, Outcome(State.QUARANTINED, reason))
            return


def _save(record: InboundEmail, outcome: Outcome) -> None:
    record.state = outcome.state
    record.reason = outcome.reason
    record.ticket = outcome.ticket
    record.save(update_fields=["state", "reason", "ticket", "message_id"])


def _lock_message_id(message_id: str) -> None:
    """Serialise the processing of one Message-ID, so two deliveries at once make one message."""
    if settings.DATABASE_IS_POSTGRES:
        key = int.from_bytes(hashlib.sha256(f"inbound:{message_id}".encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _own_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()


def _process(record: InboundEmail, raw: bytes) -> Outcome:
    if len(raw) > max_inbound_bytes():
        limit = max_inbound_bytes() // 2**20
        return Outcome(State.QUARANTINED, _("The message is larger than %(size)d MB.") % {"size": limit})
    try:
        parsed = parse(raw)
    except Exception as error:
        logger.warning("inbound email %s is unparseable: %s", record.pk, error)
        return Outcome(State.QUARANTINED, _("The message could not be parsed: %(error)s") % {"error": error})
    record.message_id = parsed.message_id[:255]
    if parsed.auto_reason:
        return Outcome(State.IGNORED, _("Auto-reply or bounce: %(why)s") % {"why": parsed.auto_reason})
    if (
        parsed.sender.lower() == _own_address()
        or OutboundEmail.objects.filter(email_message_id=record.message_id).exists()
    ):
        return Outcome(State.IGNORED, _("Sent by this helpdesk itself (mail loop)."))
    _lock_message_id(record.message_id)
    earlier = Message.objects.filter(email_message_id=record.message_id).select_related("ticket").first()
    if earlier is not None:
        return Outcome(
            State.IGNORED,
            _("Duplicate of a message already on %(ref)s.") % {"ref": earlier.ticket.reference},
            earlier.ticket,
        )
    if parsed.defect == RAW_MIME:
        return Outcome(
            State.QUARANTINED, _("The message's text is undecoded MIME; its text and files cannot be trusted.")
        )
    if parsed.defect:
        reason = _("The message's MIME structure is broken (%(defects)s); its text and files cannot be trusted.")
        return Outcome(State.QUARANTINED, reason % {"defects": parsed.defect})
    if not parsed.sender:
        return Outcome(State.QUARANTINED, _("The message has no usable sender (From) address."))
    attachments, notes = _accepted_attachments(parsed, record)
    body = _compose_body(trim_quoted(parsed.text) if parsed.text else "", attachments, notes)
    if not body:
        return Outcome(State.QUARANTINED, _("The message has neither text nor attachments."))
    return _deliver(parsed, record.message_id, body, attachments)


def _accepted_attachments(
    parsed: ParsedEmail, record: InboundEmail
) -> tuple[list[services.AttachmentInput], list[str]]:
    """The files the helpdesk accepts; each refused one becomes a note, never a lost email."""
    accepted: list[services.AttachmentInput] = []
    notes: list[str] = []
    for item in parsed.attachments:
        name = safe_filename(item.name)
        if len(accepted) >= MAX_ATTACHMENTS_PER_MESSAGE:
            reason = _("%(name)s: at most %(count)d attachments per message.") % {
                "name": name, "count": MAX_ATTACHMENTS_PER_MESSAGE,
            }  # fmt: skip
        else:
            try:
                validate_attachments([item])
            except ServiceError as error:
                reason = error.message
            else:
                accepted.append(item)
                continue
        logger.info("inbound email %s: attachment %r not kept: %s", record.pk, name, reason)
        notes.append(_("Attachment not kept: %(reason)s") % {"reason": reason})
    return accepted, notes


def _compose_body(text: str, attachments: list[services.AttachmentInput], notes: list[str]) -> str:
    text = text.strip()
    if not text and attachments:
        text = _("(No text; see the attachments.)")
    room = MAX_BODY_CHARS - 1000
    if len(text) > room:
        text = text[:room].rstrip() + "\n\n" + _("[The message was shortened; the full email is kept.]")
    return "\n\n".join(part for part in (text, "\n".join(f"[{note}]" for note in notes)) if part)


def _deliver(parsed: ParsedEmail, message_id: str, body: str, attachments: list[services.AttachmentInput]) -> Outcome:
    ticket = ticket_for_reply(parsed)
    if ticket is not None:
        # Lock the ticket so two replies arriving at once see each other's status change.
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=ticket.pk)
        message = services.message_receive_from_customer(
            ticket=ticket, body=body, channel=Channel.EMAIL, email_message_id=message_id, attachments=attachments
        )
        if message.ticket_id != ticket.pk:
            reason = _("Reply to closed %(old)s: follow-up %(new)s opened.") % {
                "old": ticket.reference, "new": message.ticket.reference,
            }  # fmt: skip
        else:
            reason = _("Added to %(ref)s.") % {"ref": ticket.reference}
        return Outcome(State.PROCESSED, reason, message.ticket)
    customer = services.customer_get_or_create(
        email=parsed.sender, name=parsed.sender_name, language=parsed.language or None
    )
    subject = parsed.subject or parsed.text.strip().split("\n", 1)[0][:80] or _("(no subject)")
    ticket = services.ticket_create(
        customer=customer,
        subject=subject,
        body=body,
        channel=Channel.EMAIL,
        language=parsed.language or None,
        attachments=attachments,
        email_message_id=message_id,
        acknowledge=True,
    )
    return Outcome(State.PROCESSED, _("New ticket %(ref)s.") % {"ref": ticket.reference}, ticket)
