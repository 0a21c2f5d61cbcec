"""Where the assistant's words leave: through the ticket's channel, as a system message of the
thread (`messaging.services.system_message_send` for the messaging apps, `chat.services.chat_system_send`
for the chat widget)."""

from __future__ import annotations

from chat.services import chat_system_send
from messaging.models import Provider
from messaging.services import system_message_send
from tickets.models import Channel, Ticket


def send(ticket: Ticket, body: str) -> bool:
    """True when the message is kept and on its way; False when the channel cannot take it now."""
    if ticket.channel in Provider.values:
        return system_message_send(ticket=ticket, body=body) is not None
    if ticket.channel == Channel.CHAT:
        return chat_system_send(ticket=ticket, body=body) is not None
    return False
