"""What the widget hears: the conversation's numbered stream `chat:<id>` (workspace/live/streams.py)
and the shapes of its events (docs/chat.md). Only public messages ever reach it: a note never does."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from helpdesk.names import person_name
from tickets.models import Message, MessageKind
from workspace.live.streams import events_after, publish
from workspace.models import LiveEvent

from ..models import ChatConversation

HISTORY = 100  # messages a widget gets when it (re)loads a conversation


def _author(message: Message) -> str:
    if message.kind == MessageKind.CUSTOMER:
        return "visitor"
    return "agent" if message.kind == MessageKind.REPLY and not message.is_automatic else "system"


def first_name(user: Any) -> str:
    if user is None:
        return ""
    return (user.first_name or person_name(user)).strip()


def message_payload(conversation: ChatConversation, message: Message, client_id: str = "") -> dict[str, Any]:
    author = _author(message)
    key = conversation.site.public_key
    return {
        "id": message.pk,
        "client_id": client_id,
        "author": author,
        "name": conversation.visitor_name if author == "visitor" else first_name(message.author),
        "body": message.body,
        "at": message.created_at.isoformat(),
        "attachments": [
            {"id": item.pk, "name": item.original_name, "size": item.size, "url": f"/chat/api/{key}/files/{item.pk}/"}
            for item in message.attachments.all()
        ],
    }


def publish_message(conversation: ChatConversation, message: Message, client_id: str = "") -> None:
    if message.kind == MessageKind.NOTE:
        return
    publish(conversation.stream, "message", message_payload(conversation, message, client_id))


def publish_text(conversation: ChatConversation, kind: str, text: Any, **extra: Any) -> None:
    """An event with a line for the visitor, written in their language."""
    with translation.override(conversation.language):
        publish(conversation.stream, kind, {"text": str(text), **extra})


def public_messages(conversation: ChatConversation, limit: int = HISTORY) -> list[Message]:
    rows = (
        Message.objects.filter(ticket_id=conversation.ticket_id)
        .exclude(kind=MessageKind.NOTE)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")[:limit]
    )
    return list(reversed(rows))


def chat_events_after(conversation: ChatConversation, after: int) -> list[LiveEvent] | None:
    """The conversation's events numbered above `after`; None when the widget must reload the
    conversation instead (too many missed, or those missed are no longer kept)."""
    cap = settings.LIVE_REPLAY_MAX
    found = events_after(conversation.stream, after, limit=cap + 1)
    if len(found) > cap or (found and found[0].seq != after + 1):
        return None
    return found


def message_id_at(conversation: ChatConversation, seq: int) -> int:
    """The newest message the widget had shown when it had shown the events up to `seq` (0: none kept)."""
    payload = (
        LiveEvent.objects.filter(stream=conversation.stream, seq__lte=seq, kind="message")
        .order_by("-seq")
        .values_list("payload", flat=True)
        .first()
    )
    return int(payload.get("id", 0)) if isinstance(payload, dict) else 0
