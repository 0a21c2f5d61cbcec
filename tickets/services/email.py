"""Outbound email through a send log: a row per email, unique by key, sent once by a task or sweep."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from helpdesk.tasking import enqueue

from ..models import Message, OutboundEmail, Ticket

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
EMAIL_DOMAIN = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "helpdesk.localhost"


def one_line(text: str) -> str:
    """Header-safe text: CR, LF and other control characters cannot start a new header."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())


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
    ticket: Ticket | None = None,
    message: Message | None = None,
) -> OutboundEmail:
    """Record an email to send (once per key) and send it after the transaction commits."""
    existing = OutboundEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing
    with translation.override(language):
        subject = one_line(render_to_string(f"emails/{template}_subject.txt", context))[:255]
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    in_reply_to, references = _thread_headers(ticket) if ticket else ("", "")
    outbound = OutboundEmail.objects.create(
        key=key,
        ticket=ticket,
        message=message,
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        email_message_id=make_msgid(domain=EMAIL_DOMAIN),
        in_reply_to=in_reply_to,
        references=references,
        due_at=timezone.now(),
    )
    if message is not None and not message.email_message_id:
        Message.objects.filter(pk=message.pk).update(email_message_id=outbound.email_message_id)
    from ..tasks import send_email

    enqueue(send_email, outbound.pk)
    return outbound


def email_send(*, outbound_id: int) -> bool:
    """Send one queued email if it is still pending; True when this call sent it."""
    with transaction.atomic():
        outbound = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbound_id, state=OutboundEmail.State.PENDING)
            .first()
        )
        if outbound is None:
            return False
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
        outbound.attempts += 1
        try:
            mail.send()
        except Exception as error:  # any transport failure: retried later, shown on the ticket
            logger.warning("sending email %s failed: %s", outbound.key, error)
            outbound.last_error = f"{type(error).__name__}: {error}"[:2000]
            if outbound.attempts >= MAX_ATTEMPTS:
                outbound.state = OutboundEmail.State.FAILED
            else:
                outbound.due_at = timezone.now() + timedelta(minutes=2**outbound.attempts)
            outbound.save(update_fields=["attempts", "last_error", "state", "due_at"])
            return False
        outbound.state = OutboundEmail.State.SENT
        outbound.sent_at = timezone.now()
        outbound.save(update_fields=["attempts", "state", "sent_at"])
        return True


def emails_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send every pending email whose time has come: the catch-up for lost broker messages."""
    now = now or timezone.now()
    due = list(
        OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(email_send(outbound_id=pk) for pk in due)
