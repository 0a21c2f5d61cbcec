"""The chat channel: a conversation in the widget is a ticket with channel `chat`. An agent's reply
goes to the widget (an event on the conversation's stream); a visitor who is no longer there gets it
by email (at once when the chat went on by email or ended, else when it stays unseen a while:
`services.mail`). A chat an agent copied into a ticket by hand has no conversation: answered by email."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Greatest

from tickets.models import Channel, Message, Ticket
from tickets.services import ChannelAdapter

from .models import ChatConversation, ChatState
from .services import chat_answered, publish_message
from .services.mail import email_when_away


class ChatChannel(ChannelAdapter):
    name = Channel.CHAT.value
    label = Channel.CHAT.label
    reply_channel = Channel.CHAT.value
    queues_customers = True

    def send_reply(self, *, ticket: Ticket, message: Message) -> None:
        conversation = ChatConversation.objects.select_related("site", "ticket__customer").filter(ticket=ticket).first()
        if conversation is None:
            super().send_reply(ticket=ticket, message=message)
            return
        if conversation.state == ChatState.QUEUED and message.author is not None and not message.is_automatic:
            chat_answered(conversation=conversation, agent=message.author)
        publish_message(conversation, message)
        ChatConversation.objects.filter(pk=conversation.pk).update(
            last_reply_id=Greatest(F("last_reply_id"), message.pk), last_reply_at=message.created_at
        )
        email_when_away(conversation, message)


ADAPTER = ChatChannel()
