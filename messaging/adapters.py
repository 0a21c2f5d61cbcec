"""The three channels: a conversation in an app is a ticket with the provider's channel, and an
agent's reply leaves as an `OutboundMessage` through the account the customer wrote to."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from tickets.models import Message, Ticket
from tickets.services import ChannelAdapter

from .models import ChannelAccount, Provider
from .providers import PROVIDERS
from .services import (
    account_of,
    conversation_parts,
    outbound_queue,
    template_being_sent,
    window_is_open,
    window_refusal,
)


class MessagingChannel(ChannelAdapter):
    queues_customers = True

    def _account(self, ticket: Ticket) -> ChannelAccount:
        account = account_of(ticket.conversation_key)
        if account is None or not account.active:
            raise ServiceError(_("The messaging account of this conversation is no longer active."))
        return account

    def check_reply(self, *, ticket: Ticket, body: str) -> None:
        self._account(ticket)

    def send_reply(self, *, ticket: Ticket, message: Message) -> None:
        account = self._account(ticket)
        recipient = conversation_parts(ticket.conversation_key)[2]
        payload = PROVIDERS[self.name].text_payload(recipient, message.body)
        outbound_queue(account=account, message=message, recipient=recipient, payload=payload)


class WhatsAppChannel(MessagingChannel):
    name = Provider.WHATSAPP.value
    label = Provider.WHATSAPP.label
    reply_channel = Provider.WHATSAPP.value

    def check_reply(self, *, ticket: Ticket, body: str) -> None:
        self._account(ticket)
        if template_being_sent() is None and not window_is_open(ticket):
            raise window_refusal(ticket)

    def send_reply(self, *, ticket: Ticket, message: Message) -> None:
        choice = template_being_sent()
        if choice is None:
            super().send_reply(ticket=ticket, message=message)
            return
        account = self._account(ticket)
        recipient = conversation_parts(ticket.conversation_key)[2]
        payload = PROVIDERS[self.name].template_payload(
            recipient, choice.template.name, choice.template.language, choice.parameters
        )
        outbound_queue(account=account, message=message, recipient=recipient, payload=payload)


class LineChannel(MessagingChannel):
    name = Provider.LINE.value
    label = Provider.LINE.label
    reply_channel = Provider.LINE.value


class TelegramChannel(MessagingChannel):
    name = Provider.TELEGRAM.value
    label = Provider.TELEGRAM.label
    reply_channel = Provider.TELEGRAM.value


ADAPTERS = (WhatsAppChannel(), LineChannel(), TelegramChannel())
