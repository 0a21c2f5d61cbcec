"""An agent's public reply: checked against what the customer wrote meanwhile, recorded, and sent back
by the ticket's channel (its adapter, registered with the intake)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError

from ..models import Message, MessageKind, Status, Ticket
from ._common import ensure_can_work
from .intake import channel_adapter
from .messages import message_add
from .sla import sla_first_response
from .status import ticket_mark_opened, ticket_mark_pending


class ReplyCrossed(ServiceError):
    """The customer wrote after the last message the agent saw: the reply may answer an old question."""

    def __init__(self, newer: list[Message]) -> None:
        super().__init__(
            _(
                "The customer wrote again while you were writing. Read the new message, "
                "then send anyway or change your reply."
            ),
        )
        self.newer = newer


@transaction.atomic
def message_add_reply(
    *,
    ticket: Ticket,
    author: Any,
    body: str,
    attachments: Iterable[Any] = (),
    set_pending: bool = False,
    is_automatic: bool = False,
    seen_message_id: int | None = None,
) -> Message:
    """A public reply: recorded on the ticket and sent to the customer (after commit) by the
    ticket's channel. Given the last message the agent saw (`seen_message_id`), a newer message
    from the customer refuses the reply (ReplyCrossed, with those messages); sending again with
    the newest one seen goes through."""
    ensure_can_work(author, ticket)
    if ticket.status == Status.CLOSED:
        raise ServiceError(_("A closed ticket cannot be replied to."))
    if seen_message_id is not None:
        newer = list(
            Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER, pk__gt=seen_message_id)
            .select_related("author")
            .order_by("pk")[:5]
        )
        if newer:
            raise ReplyCrossed(newer)
    adapter = channel_adapter(ticket.channel)
    adapter.check_reply(ticket=ticket, body=body)
    message = message_add(
        ticket, MessageKind.REPLY, body, author, attachments, channel=adapter.reply_channel, is_automatic=is_automatic
    )
    if ticket.first_response_at is None and not is_automatic and author is not None:
        Ticket.objects.filter(pk=ticket.pk).update(first_response_at=message.created_at)
        ticket.first_response_at = message.created_at
        sla_first_response(ticket=ticket, at=message.created_at)
    if set_pending:
        ticket_mark_pending(ticket, author)
    elif ticket.status in (Status.NEW, Status.PENDING):
        ticket_mark_opened(ticket, author)
    adapter.send_reply(ticket=ticket, message=message)
    return message
