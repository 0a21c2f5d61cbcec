"""Our own automatic message to an app user (a queue position, the assistant's answer): a system
message in the ticket's thread, by nobody, so it meets no first-response target and ends no wait,
sent through the provider's send API like an agent's reply."""

from __future__ import annotations

from tickets.models import Message, Ticket
from tickets.services import message_add_system

from ..models import Provider
from ..providers import PROVIDERS
from .common import account_of, conversation_parts
from .outbound import outbound_queue
from .window import window_is_open


def system_message_allowed(ticket: Ticket) -> bool:
    """An app conversation whose account is active, within WhatsApp's window where it applies."""
    if ticket.channel not in Provider.values:
        return False
    account = account_of(ticket.conversation_key)
    if account is None or not account.active:
        return False
    return ticket.channel != Provider.WHATSAPP or window_is_open(ticket)


def system_message_send(*, ticket: Ticket, body: str) -> Message | None:
    """Keep `body` in the thread and queue its send; None (nothing kept) when it may not be sent."""
    if not system_message_allowed(ticket):
        return None
    account = account_of(ticket.conversation_key)
    assert account is not None  # checked above
    message = message_add_system(ticket=ticket, body=body, channel=ticket.channel)
    recipient = conversation_parts(ticket.conversation_key)[2]
    outbound_queue(
        account=account,
        message=message,
        recipient=recipient,
        payload=PROVIDERS[ticket.channel].text_payload(recipient, body),
    )
    return message
