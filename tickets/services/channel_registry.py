"""The channels customers reach us by. Each is an adapter registered here: it names the channel,
says how what arrives by it is read, and sends the replies of its tickets back the same way.

A channel's module turns what arrived into an `intake.Arrival` and hands it to
`intake.intake_receive`; everything after that (customer, ticket, message, clock) is the same for
every channel. Registering is `register_channel(adapter)`, from an `AppConfig.ready()`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError

from ..models import Channel, Message, Ticket
from .customer_emails import reply_email


class ChannelAdapter:
    """A channel with the defaults most have: the customer writes their own words (so the language is
    read from them) and replies go out by email."""

    name: str = ""
    label: Any = ""
    # The first message is the customer's own words: its language is detected, their clock runs.
    detect_language: bool = True
    # False where we open the ticket ourselves (a proactive one): its first message is an internal note.
    customer_writes: bool = True
    # The channel recorded on the replies it sends.
    reply_channel: str = Channel.EMAIL
    # A live conversation (a chat, a messaging app): the customer waits in a queue for a person, is
    # told their place in it, and the agents see how many wait on it (tickets/waiting.py).
    queues_customers: bool = False

    def check_reply(self, *, ticket: Ticket, body: str) -> None:
        """Refuse (raise ServiceError) a reply the channel cannot deliver now, before anything is stored;
        e.g. free text outside WhatsApp's customer-service window."""

    def send_reply(self, *, ticket: Ticket, message: Message) -> None:
        """Deliver an agent's public reply to the customer (after commit)."""
        if ticket.customer.email:
            reply_email(ticket=ticket, message=message)


_ADAPTERS: dict[str, ChannelAdapter] = {}


def register_channel(adapter: ChannelAdapter) -> ChannelAdapter:
    """Make a channel known; registering the same name again replaces its adapter."""
    if not adapter.name or len(adapter.name) > 10:
        raise ValueError(f"a channel's name is 1 to 10 characters, not {adapter.name!r}")
    _ADAPTERS[adapter.name] = adapter
    return adapter


def unregister_channel(name: str) -> None:
    _ADAPTERS.pop(name, None)


def channel_adapter(name: str) -> ChannelAdapter:
    try:
        return _ADAPTERS[name]
    except KeyError:
        raise ServiceError(_("Unknown channel."), field="channel") from None


def channel_label(name: str) -> str:
    adapter = _ADAPTERS.get(name)
    return str(adapter.label) if adapter is not None else name


def queueing_channels() -> dict[str, str]:
    """The channels whose customers wait in a queue, as {name: label}, in the order they registered."""
    return {name: str(adapter.label) for name, adapter in _ADAPTERS.items() if adapter.queues_customers}


def channel_choices() -> list[tuple[str, str]]:
    return [(name, str(adapter.label)) for name, adapter in _ADAPTERS.items()]
