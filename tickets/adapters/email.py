"""The email channel: every inbound email is stored first, then read into an `Arrival` for the
intake (a new ticket or a message on the ticket it answers), ignored (auto-replies, bounces, mail
loops, duplicates) or quarantined with a reason. The text kept is what the customer wrote anew:
quoted history, attributions, forwarded originals and the signature are trimmed (`trim_quoted`).
Replies go out by email (the default adapter).

Which ticket an email continues, in order of evidence: the ids in In-Reply-To, then References
(newest first), then a reference such as [HD-000123] in the subject. Our random Message-IDs are
unguessable, so a match on one is trusted whoever replies. The ticket thread id
<ticket-<pk>@domain> and the subject reference are guessable: they count only when the sender is
the ticket's customer, so a stranger cannot write into someone else's ticket.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from helpdesk.errors import Conflict, ServiceError

from ..mailtext import one_line
from ..models import Channel, InboundEmail, Message, OutboundEmail, Ticket, parse_reference
from ..redaction import redact_raw_email
from ..services import Arrival, ChannelAdapter, Sender, intake_receive
from ..services.email import EMAIL_DOMAIN
from ..services.messages import MAX_BODY_CHARS
from .parsing import RAW_MIME, ParsedEmail, parse, peek_message_id, squeeze_blank_lines, synthetic_message_id

logger = logging.getLogger(__name__)


class EmailChannel(ChannelAdapter):
    name = Channel.EMAIL
    label = Channel.EMAIL.label


ADAPTER = EmailChannel()

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
    # The copy kept is the redacted one: it is shown to admins and processed again on request, so
    # a card number kept there would be a card number stored (see tickets/redaction.py).
    raw = redact_raw_email(bytes(raw))
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
    text = trim_quoted(parsed.text).strip() if parsed.text else ""
    if not text and not parsed.attachments:
        return Outcome(State.QUARANTINED, _("The message has neither text nor attachments."))
    room = MAX_BODY_CHARS - 1000  # room left for the notes of refused files
    if len(text) > room:
        text = text[:room].rstrip() + "\n\n" + _("[The message was shortened; the full email is kept.]")
    return _deliver(parsed, record.message_id, text)


def _deliver(parsed: ParsedEmail, message_id: str, text: str) -> Outcome:
    answered = ticket_for_reply(parsed)
    received = intake_receive(
        Arrival(
            channel=Channel.EMAIL,
            sender=Sender(email=parsed.sender, name=parsed.sender_name, language=parsed.language or None),
            ticket=answered,
            subject=parsed.subject or parsed.text.strip().split("\n", 1)[0][:80] or _("(no subject)"),
            body=text,
            attachments=parsed.attachments,
            keep_refused_files_as_notes=True,
            language=parsed.language or None,
            email_message_id=message_id,
            acknowledge=True,
        )
    )
    ticket = received.ticket
    if answered is None:
        return Outcome(State.PROCESSED, _("New ticket %(ref)s.") % {"ref": ticket.reference}, ticket)
    if received.opened:
        reason = _("Reply to closed %(old)s: follow-up %(new)s opened.") % {
            "old": answered.reference, "new": ticket.reference,
        }  # fmt: skip
        return Outcome(State.PROCESSED, reason, ticket)
    return Outcome(State.PROCESSED, _("Added to %(ref)s.") % {"ref": ticket.reference}, ticket)


_THREAD_ID = re.compile(r"^<ticket-(\d{1,18})@([^<>@\s]+)>$", re.IGNORECASE)
_SUBJECT_REFERENCE = re.compile(r"\[\s*(HD-\d{1,18})\s*\]", re.IGNORECASE)


def _ids_newest_first(parsed: ParsedEmail) -> list[str]:
    ordered: list[str] = []
    for mid in [*parsed.in_reply_to, *reversed(parsed.references)]:
        if mid not in ordered:
            ordered.append(mid)
    return ordered


def _from_customer(ticket: Ticket, sender: str) -> bool:
    return bool(sender) and ticket.customer.email.strip().lower() == sender.strip().lower()


def _by_headers(parsed: ParsedEmail) -> Ticket | None:
    ids = _ids_newest_first(parsed)
    if not ids:
        return None
    ticket_of: dict[str, int] = dict(
        Message.objects.filter(email_message_id__in=ids).values_list("email_message_id", "ticket_id")
    )
    for mid, ticket_id in OutboundEmail.objects.filter(email_message_id__in=ids, ticket__isnull=False).values_list(
        "email_message_id", "ticket_id"
    ):
        ticket_of.setdefault(mid, ticket_id)
    for mid in ids:
        if mid in ticket_of:
            return Ticket.objects.select_related("customer").get(pk=ticket_of[mid])
        match = _THREAD_ID.match(mid)
        if match and match.group(2).lower() == EMAIL_DOMAIN.lower():
            ticket = Ticket.objects.select_related("customer").filter(pk=int(match.group(1))).first()
            if ticket is not None and _from_customer(ticket, parsed.sender):
                return ticket
    return None


def _by_subject(parsed: ParsedEmail) -> Ticket | None:
    for reference in _SUBJECT_REFERENCE.findall(parsed.subject):
        pk = parse_reference(reference)
        ticket = Ticket.objects.select_related("customer").filter(pk=pk).first() if pk else None
        if ticket is not None and _from_customer(ticket, parsed.sender):
            return ticket
    return None


def ticket_for_reply(parsed: ParsedEmail) -> Ticket | None:
    """The ticket this email answers, or None for a new conversation."""
    return _by_headers(parsed) or _by_subject(parsed)


# --- The new text of a reply

# "On Mon, 2 Mar 2026 at 10:00, Support <support@example.com> wrote:" and its translations.
_ATTRIBUTION = re.compile(
    r"^\s*("
    r"On\b.+\bwrote:"
    r"|Am\b.+\bschrieb\b.*:"
    r"|Le\b.+\ba écrit\s*:"
    r"|El\b.+\bescribió:"
    r"|Il giorno\b.+\bha scritto:"
    r"|Op\b.+\bschreef\b.*:"
    r"|在.+写道\s*[:：]?"
    r"|.+書きました\s*[:：]?"
    r")\s*$",
    re.IGNORECASE,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*("
    r"Original Message|Original|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale"
    r"|原始邮件|元のメッセージ"
    r")\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Outlook quotes with a header block instead: "From: ...", then "Sent: ..." a line or two later.
_HEADER_FROM = re.compile(r"^\s*\*?(From|Von|De|Da|Van|发件人|差出人)\s*\*?\s*[:：]", re.IGNORECASE)
_HEADER_DATE = re.compile(
    r"^\s*\*?(Sent|Date|Gesendet|Datum|Envoyé|Date d'envoi|Enviado|Fecha|Inviato|Verzonden|发送时间|日期|送信日時)"
    r"\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^--\s?$")
# A line that only separates (Outlook's row of underscores, a rule of dashes): dropped with the
# history it introduces.
_SEPARATOR = re.compile(r"^\s*([_\-=*\u2500\u2014\u2015])\1{4,}\s*$")
_OUTLOOK_RULE = re.compile(r"^\s*_{20,}\s*$")
# "Name: value", a line of a quoted header block in whatever language.
_HEADER_LINE = re.compile(r"^\s*\*?[^\s:：]{1,24}(\s[^\s:：]{1,24})?\s*\*?\s*[:：]\s*\S")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(Sent from my \w+|Von meinem \w+ gesendet|Envoyé de mon \w+|Enviado desde mi \w+)", re.IGNORECASE
)


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_at(lines: list[str], i: int) -> int:
    """How many lines the attribution starting at line i spans (0 when there is none).
    Mail clients often wrap a long attribution over two lines."""
    if _is_attribution(lines[i]):
        return 1
    if i + 1 < len(lines) and lines[i].strip() and _is_attribution(f"{lines[i].rstrip()} {lines[i + 1].strip()}"):
        return 2
    return 0


def _is_attribution(line: str) -> bool:
    # A real attribution carries a date or time; "On Monday my friend wrote:" is the customer's text.
    return bool(_ATTRIBUTION.match(line)) and any(ch.isdigit() for ch in line)


def _next_content_is_quoted(lines: list[str], start: int) -> bool:
    for line in lines[start:]:
        if line.strip():
            return _is_quoted(line)
    return False


def _outlook_header_at(lines: list[str], i: int) -> bool:
    if not _HEADER_FROM.match(lines[i]):
        return False
    return any(_HEADER_DATE.match(line) for line in lines[i + 1 : i + 4])


def _separated_header_at(lines: list[str], i: int) -> bool:
    """Outlook's "________" row followed by a header block (From:, Sent:, To:, Subject:) of any
    language: the start of the quoted mail."""
    if not _OUTLOOK_RULE.match(lines[i]):
        return False
    following = [line for line in lines[i + 1 : i + 8] if line.strip()][:2]
    return len(following) == 2 and all(_HEADER_LINE.match(line) for line in following)


def _drop_trailing_separators(kept: list[str]) -> None:
    while kept and (not kept[-1].strip() or _SEPARATOR.match(kept[-1])):
        kept.pop()


def trim_quoted(text: str) -> str:
    """The new text of a reply: quoted history, attributions, forwarded originals and the
    signature removed. Answers written between quoted lines are kept. When nothing would be
    left, the text is returned whole rather than lose what the customer sent."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        span = _attribution_at(lines, i)
        if span:
            if _next_content_is_quoted(lines, i + span):
                i += span  # quoted lines follow and are dropped below; text after them is kept
                continue
            break  # the quote lost its ">" marks (e.g. converted HTML): the rest is history
        if _ORIGINAL_MESSAGE.match(line) or _outlook_header_at(lines, i) or _separated_header_at(lines, i):
            _drop_trailing_separators(kept)
            break
        if _SIGNATURE.match(line):
            break
        if _MOBILE_SIGNATURE.match(line):
            break
        if not _is_quoted(line):
            kept.append(line.rstrip())
        i += 1
    trimmed = squeeze_blank_lines("\n".join(kept))
    return trimmed or text.strip()
