"""Where the assistant's words leave: through the ticket's channel, as a system message of the
thread (`messaging.services.system_message_send` for the messaging apps)."""

from __future__ import annotations

from messaging.models import Provider
from messaging.services import system_message_send
from tickets.models import Ticket


def send(ticket: Ticket, body: str) -> bool:
    """True when the message is kept and on its way; False when the channel cannot take it now."""
    if ticket.channel in Provider.values:
        return system_message_send(ticket=ticket, body=body) is not None
    return False
