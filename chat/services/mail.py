"""The chat's emails: the transcript at the end, and the agents' replies a visitor did not see in
the widget (they closed the tab, or never came back) sent by email, so the conversation goes on
there; the customer's email reply threads into the same ticket."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets.models import Message, MessageKind
from tickets.services import email_queue
from tickets.services.customer_emails import reply_email

from ..models import ChatConversation, ChatState
from .events import first_name, public_messages

TRANSCRIPT_MESSAGES = 500


def _line(conversation: ChatConversation, message: Message) -> dict[str, object]:
    if message.kind == MessageKind.CUSTOMER:
        name = conversation.visitor_name
    else:
        name = first_name(message.author) if not message.is_automatic else ""
    with translation.override(conversation.language):
        name = name or _("Support")
    return {
        "at": message.created_at,
        "name": name,
        "body": message.body,
        "files": [item.original_name for item in message.attachments.all()],
    }


def chat_transcript_send(conversation: ChatConversation) -> None:
    """Email the conversation as it stands to the visitor, once per ending (after commit)."""
    ticket = conversation.ticket
    if not ticket.customer.email:
        return
    lines = [_line(conversation, m) for m in public_messages(conversation, limit=TRANSCRIPT_MESSAGES)]
    stamp = (conversation.ended_at or timezone.now()).strftime("%Y%m%d%H%M%S")
    email_queue(
        key=f"chat-transcript:{conversation.pk}:{stamp}",
        to=ticket.customer.email,
        template="chat/transcript",
        context={"conversation": conversation, "ticket": ticket, "lines": lines, "site_url": settings.SITE_URL},
        language=conversation.language,
        time_zone=ticket.customer.time_zone,
        ticket=ticket,
    )
    ChatConversation.objects.filter(pk=conversation.pk).update(transcript_sent_at=timezone.now())


def chat_unseen_replies_email(*, now: datetime | None = None, limit: int = 200) -> int:
    """Email the agents' replies a visitor has not seen in the widget CHAT_UNSEEN_EMAIL_SECONDS after
    the last of them (each once: the conversation remembers what was emailed); the number emailed."""
    now = now or timezone.now()
    due = (
        ChatConversation.objects.filter(
            last_reply_at__lt=now - timedelta(seconds=settings.CHAT_UNSEEN_EMAIL_SECONDS),
            last_reply_at__gte=now - timedelta(days=settings.CHAT_UNSEEN_EMAIL_DAYS),
            last_reply_id__gt=F("visitor_read_upto"),
        )
        .filter(last_reply_id__gt=F("emailed_upto"))
        .exclude(ticket__customer__email="")
        .order_by("last_reply_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            conversation = (
                ChatConversation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("ticket__customer")
                .filter(pk=pk)
                .first()
            )
            if conversation is None:
                continue
            seen = max(conversation.visitor_read_upto, conversation.emailed_upto)
            for message in Message.objects.filter(
                ticket_id=conversation.ticket_id, kind=MessageKind.REPLY, pk__gt=seen
            ):
                reply_email(ticket=conversation.ticket, message=message)
                sent += 1
            conversation.emailed_upto = conversation.last_reply_id
            conversation.save(update_fields=["emailed_upto"])
    return sent


def email_when_away(conversation: ChatConversation, message: Message) -> None:
    """A reply to a visitor no longer in the widget (the chat went on by email, or ended) goes by
    email at once."""
    if conversation.state in (ChatState.EMAIL, ChatState.ENDED) and conversation.ticket.customer.email:
        reply_email(ticket=conversation.ticket, message=message)
        ChatConversation.objects.filter(pk=conversation.pk, emailed_upto__lt=message.pk).update(emailed_upto=message.pk)
