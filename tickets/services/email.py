"""Outbound email through a send log: a row per email, unique by key, sent once by a task or sweep."""

from __future__ import annotations

import logging
import smtplib
import uuid
import zoneinfo
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from helpdesk.tasking import enqueue

from ..mailtext import one_line
from ..models import Message, OutboundEmail, Ticket

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The server said no: it did not take the message, so sending again later cannot duplicate it.
REFUSALS = (smtplib.SMTPSenderRefused, smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)
EMAIL_DOMAIN = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "helpdesk.localhost"


def render_subject(template_name: str, context: dict[str, Any]) -> str:
    """A subject is plain text: rendered without HTML escaping (a customer's `&` or `"` stays as
    written, never `&amp;`), on one line, at most 255 characters."""
    template = get_template(template_name).template  # type: ignore[attr-defined]
    return one_line(template.render(Context(context, autoescape=False)))[:255]


def ticket_thread_id(ticket: Ticket) -> str:
    """The Message-ID every email of a ticket refers to, so mail clients thread them."""
    return f"<ticket-{ticket.pk}@{EMAIL_DOMAIN}>"


def _thread_headers(ticket: Ticket) -> tuple[str, str]:
    root = ticket_thread_id(ticket)
    last = (
        Message.objects.filter(ticket=ticket, kind="customer")
        .exclude(email_message_id="")
        .order_by("-created_at", "-id")
        .values_list("email_message_id", flat=True)
        .first()
    )
    references = " ".join(x for x in (root, last) if x)
    return (last or root), references


def email_queue(
    *,
    key: str,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    time_zone: str = "",
    ticket: Ticket | None = None,
    message: Message | None = None,
) -> OutboundEmail:
    """Record an email to send (once per key) and send it after the transaction commits. Dates and
    times in it are written in `time_zone`, the reader's (the support centre's when empty or unknown)."""
    existing = OutboundEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing
    in_reply_to, references = _thread_headers(ticket) if ticket else ("", "")
    outbound = _outbound(
        EmailToQueue(key=key, to=to, template=template, context=context, language=language, time_zone=time_zone),
        ticket=ticket,
        message=message,
        in_reply_to=in_reply_to,
        references=references,
    )
    outbound.save(force_insert=True)
    if message is not None and not message.email_message_id:
        Message.objects.filter(pk=message.pk).update(email_message_id=outbound.email_message_id)
    _send_after_commit([outbound])
    return outbound


@dataclass(frozen=True)
class EmailToQueue:
    """One email for emails_queue: to staff, not part of a ticket's thread."""

    key: str
    to: str
    template: str
    context: dict[str, Any]
    language: str
    time_zone: str = ""  # the reader's, for the dates and times in it


def emails_queue(emails: list[EmailToQueue]) -> list[OutboundEmail]:
    """email_queue for many emails at once, in two queries: the keys already queued, then one insert.
    Returns the emails queued now (an email whose key is already queued is left as it is)."""
    queued = set(OutboundEmail.objects.filter(key__in=[e.key for e in emails]).values_list("key", flat=True))
    new = [e for e in {e.key: e for e in emails}.values() if e.key not in queued]
    if not new:
        return []
    created = OutboundEmail.objects.bulk_create([_outbound(e) for e in new])
    _send_after_commit(created)
    return created


def _outbound(email: EmailToQueue, **fields: Any) -> OutboundEmail:
    """The send log's row for an email, rendered in its language and time zone; not saved yet."""
    with translation.override(email.language), timezone.override(_zone(email.time_zone)):
        subject = render_subject(f"emails/{email.template}_subject.txt", email.context)
        text = render_to_string(f"emails/{email.template}.txt", email.context)
        html = render_to_string(f"emails/{email.template}.html", email.context)
    return OutboundEmail(
        key=email.key,
        to=email.to,
        subject=subject,
        body_text=text,
        body_html=html,
        email_message_id=make_msgid(domain=EMAIL_DOMAIN),
        due_at=timezone.now(),
        **fields,
    )


def _zone(name: str) -> zoneinfo.ZoneInfo:
    """The reader's time zone; the support centre's when not set or not a zone this server knows, as a
    bad value in a profile must not stop an email."""
    for candidate in (name, settings.SUPPORT_TIME_ZONE):
        with suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
            if candidate:
                return zoneinfo.ZoneInfo(candidate)
    return zoneinfo.ZoneInfo("UTC")


def _send_after_commit(outbound: list[OutboundEmail]) -> None:
    for email in outbound:
        enqueue("tickets.tasks.send_email", email.pk)


def _mail_for(outbound: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": outbound.email_message_id}
    if outbound.in_reply_to:
        headers["In-Reply-To"] = outbound.in_reply_to
        headers["References"] = outbound.references
    mail = EmailMultiAlternatives(
        subject=one_line(outbound.subject),
        body=outbound.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[outbound.to],
        headers=headers,
    )
    if outbound.body_html:
        mail.attach_alternative(outbound.body_html, "text/html")
    return mail


def _release(outbound: OutboundEmail, token: str, error: BaseException) -> None:
    """The server never took the message: due again after a backoff, or given up."""
    logger.warning("sending email %s failed: %s", outbound.key, error)
    gave_up = outbound.attempts >= MAX_ATTEMPTS
    OutboundEmail.objects.filter(pk=outbound.pk, state=OutboundEmail.State.SENDING, claim_token=token).update(
        state=OutboundEmail.State.FAILED if gave_up else OutboundEmail.State.PENDING,
        due_at=outbound.due_at if gave_up else timezone.now() + timedelta(minutes=2**outbound.attempts),
        last_error=f"{type(error).__name__}: {error}"[:2000],
        claim_token="",
    )


def email_send(*, outbound_id: int) -> bool:
    """Send one queued email if it is still pending; True when this call sent it.

    At most once: the row is claimed ("sending", a fresh token, one more attempt) and committed
    before any byte goes to the mail server, and no transaction stays open during SMTP. Once the
    connection is open the hand-over time is recorded; from then on a lost connection or a crash
    leaves it unknown whether the server queued the message (an SMTP server de-duplicates nothing),
    so the email is not sent again but marked failed with the reason, for an agent to see. Errors
    before the hand-over, or a clear refusal by the server, make it due again."""
    token = uuid.uuid4().hex
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=outbound_id, state=OutboundEmail.State.PENDING).update(
        state=OutboundEmail.State.SENDING,
        claim_token=token,
        claimed_at=now,
        handover_at=None,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return False
    outbound = OutboundEmail.objects.get(pk=outbound_id)
    mine = OutboundEmail.objects.filter(pk=outbound_id, state=OutboundEmail.State.SENDING, claim_token=token)
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # nothing reached the server: safe to try again later
        _release(outbound, token, error)
        return False
    try:
        if not mine.update(handover_at=timezone.now()):  # the claim was recovered meanwhile: not ours
            return False
        try:
            connection.send_messages([_mail_for(outbound)])
        except REFUSALS as error:  # the server answered no: it did not take the message
            _release(outbound, token, error)
            return False
        except Exception as error:  # the connection broke mid-way: it may have been delivered
            logger.error("email %s may or may not have been delivered: %s", outbound.key, error)
            mine.update(
                state=OutboundEmail.State.FAILED, last_error=_uncertain(error), claim_token="", **_redacted(outbound)
            )
            return False
    finally:
        with suppress(Exception):
            connection.close()
    return bool(
        mine.update(state=OutboundEmail.State.SENT, sent_at=timezone.now(), claim_token="", **_redacted(outbound))
    )


# Other apps register functions that blank their secrets (e.g. survey link tokens) out of the stored
# copy of an email once it has left: the send log must not become a second place to find them.
_REDACTORS: list[Callable[[str], str]] = []


def register_redactor(redact: Callable[[str], str]) -> None:
    if redact not in _REDACTORS:
        _REDACTORS.append(redact)


def _redacted(outbound: OutboundEmail) -> dict[str, str]:
    text, html = outbound.body_text, outbound.body_html
    for redact in _REDACTORS:
        text, html = redact(text), redact(html)
    return {"body_text": text, "body_html": html}


def _uncertain(error: BaseException | str) -> str:
    reason = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return (
        f"{reason}. Interrupted while handing the message to the mail server: it may have been "
        "delivered, so it is not sent again automatically (at most once)."
    )[:2000]


def emails_recover_interrupted(*, now: datetime | None = None) -> int:
    """Claims whose sender died (a killed worker): before the hand-over the email is due again;
    after it, delivery is unknown and the email is marked failed rather than risk a second copy."""
    now = now or timezone.now()
    stale = OutboundEmail.objects.filter(
        state=OutboundEmail.State.SENDING, claimed_at__lt=now - timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
    )
    retried = stale.filter(handover_at__isnull=True).update(
        state=OutboundEmail.State.PENDING, due_at=now, claim_token=""
    )
    given_up = stale.filter(handover_at__isnull=False).update(
        state=OutboundEmail.State.FAILED, last_error=_uncertain("The sender stopped mid-send"), claim_token=""
    )
    if given_up:
        logger.error("%d email(s) interrupted mid-send were marked failed, not resent", given_up)
    return retried + given_up


@transaction.atomic
def emails_retry_failed(*, ids: Iterable[int]) -> list[int]:
    """Failed emails among `ids` become due now and are sent again; returns their ids. An email sent
    or retried meanwhile is left alone (the rows are locked and their state checked)."""
    failed = list(
        OutboundEmail.objects.select_for_update()
        .filter(pk__in=list(ids), state=OutboundEmail.State.FAILED)
        .order_by("pk")
        .only("pk")
    )
    OutboundEmail.objects.filter(pk__in=[email.pk for email in failed]).update(
        state=OutboundEmail.State.PENDING, due_at=timezone.now(), last_error=""
    )
    _send_after_commit(failed)  # the minute sweep sends them anyway if the broker is down
    return [email.pk for email in failed]


def emails_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send every pending email whose time has come: the catch-up for lost broker messages."""
    now = now or timezone.now()
    emails_recover_interrupted(now=now)
    due = list(
        OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(email_send(outbound_id=pk) for pk in due)
