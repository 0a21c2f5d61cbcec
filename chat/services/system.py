"""Our own automatic words in a chat (the assistant's answers): a system message of the ticket's thread,
shown in the widget; it meets no first-response target and ends no wait."""

from __future__ import annotations

from django.db import transaction

from tickets.models import Channel, Message, Ticket
from tickets.services import message_add_system

from ..models import ChatConversation, ChatState
from .events import publish_message


@transaction.atomic
def chat_system_send(*, ticket: Ticket, body: str) -> Message | None:
    """Say `body` in the ticket's chat; None when it has no chat or the chat has ended."""
    conversation = ChatConversation.objects.select_related("site").filter(ticket=ticket).first()
    if conversation is None or conversation.state == ChatState.ENDED:
        return None
    message = message_add_system(ticket=ticket, body=body, channel=Channel.CHAT)
    publish_message(conversation, message)
    return message
