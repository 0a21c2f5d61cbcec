"""The one way a customer's words enter the product, whatever the channel, and the channels themselves.

Each channel is an adapter registered here (`register_channel`, from an `AppConfig.ready()`): it names
the channel, says how what arrives by it is read, and sends the replies of its tickets back the same
way. A channel's adapter turns what arrived (an email, a form post, an API call, an agent's phone
note, a chat line) into an `Arrival`: who wrote (a `Sender`, or a customer already known), which
conversation it continues (a ticket the channel found, or the channel's own conversation key) and
the message. `intake_receive` takes it from there, in one transaction:

1. the files are checked, once (refused ones fail the request, or become a note where the channel
   keeps what it received, as email does); the body passes the registered redactors;
2. the conversation: a ticket that is not closed gets the message and reopens when solved; a
   closed one gets a linked follow-up ticket; else a new ticket for the customer (found or created
   by email, phone or app id), in its language, routed to a team;
3. the message is stored, the customer's clock starts at its time, the ticket is offered to an
   agent, and the customer is sent an acknowledgement where the channel asks for one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import ServiceError
from helpdesk.language import ticket_language

from ..history import EventToRecord, TicketEventKind, ticket_events_record
from ..listeners import Arrived, tell_listeners
from ..models import Category, Channel, Customer, Message, MessageKind, Order, Priority, Status, Team, Ticket
from ..redaction import redact
from .customer_emails import reply_email, ticket_acknowledge
from .customers import care_for, customer_get_or_create, raised_priority
from .messages import (
    AttachmentInput,
    accept_attachments,
    append_search_text,
    message_announce,
    message_changes,
    message_write,
)
from .routing import team_for_new_ticket, ticket_route_new
from .sla import sla_start
from .status import ticket_mark_opened

_MAX_MERGE_HOPS = 5


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


@dataclass(frozen=True)
class Sender:
    """Who wrote, as the channel knows them: any of an email address, a phone number, app ids."""

    email: str = ""
    phone: str = ""
    app_ids: dict[str, str] = field(default_factory=dict)
    name: str = ""
    language: str | None = None
    country: str = ""


@dataclass(frozen=True)
class Arrival:
    channel: str
    body: str
    sender: Sender | None = None
    customer: Customer | None = None  # already known (the API by id, a reply on a known ticket)
    ticket: Ticket | None = None  # the conversation, where the channel found it (email threading)
    conversation_key: str = ""  # else the channel's own key for it (a chat, an app user)
    subject: str = ""
    attachments: Iterable[Any] = ()
    keep_refused_files_as_notes: bool = False  # email: a refused file never loses the message
    actor: Any = None  # who entered it for the customer (an API client, an agent on the phone)
    category: Category | None = None
    order: Order | None = None
    priority: int = Priority.NORMAL
    language: str | None = None
    team: Team | None = None
    country: str = ""
    email_message_id: str = ""
    acknowledge: bool = False
    follow_up_of: Ticket | None = None  # a new ticket that continues a closed one
    files_to_come: int = 0  # files the channel fetches later, by its own tasks (a messaging app's media)


@dataclass(frozen=True)
class Received:
    ticket: Ticket
    message: Message
    opened: bool  # a new ticket (a follow-up included) rather than a message on a known one


_REDACTORS: list[Callable[[str], str]] = []


def register_intake_redactor(redact: Callable[[str], str]) -> None:
    """A function applied to every customer message before it is stored (e.g. card numbers)."""
    if redact not in _REDACTORS:
        _REDACTORS.append(redact)


def unregister_intake_redactor(redact: Callable[[str], str]) -> None:
    if redact in _REDACTORS:
        _REDACTORS.remove(redact)


def _body(arrival: Arrival, files: list[tuple[AttachmentInput, str]], notes: list[str]) -> str:
    text = (arrival.body or "").replace("\r\n", "\n").strip()
    for extra in _REDACTORS:
        text = extra(text)
    text = redact(text)
    if not text and files:
        text = _("(No text; see the attachments.)")
    return "\n\n".join(part for part in (text, "\n".join(f"[{note}]" for note in notes)) if part)


def _follow_merges(ticket: Ticket) -> Ticket:
    """A merged duplicate hands its conversation on to the ticket it was merged into."""
    for _hop in range(_MAX_MERGE_HOPS):
        if ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def _conversation(arrival: Arrival) -> Ticket | None:
    ticket = arrival.ticket
    if ticket is None and arrival.conversation_key:
        ticket = (
            Ticket.objects.filter(channel=arrival.channel, conversation_key=arrival.conversation_key)
            .order_by("-pk")
            .first()
        )
    if ticket is None:
        return None
    # Locked, so two messages arriving at once see each other's status change.
    return Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=_follow_merges(ticket).pk)


def _customer(arrival: Arrival) -> Customer:
    if arrival.customer is not None:
        return arrival.customer
    sender = arrival.sender or Sender()
    return customer_get_or_create(
        email=sender.email,
        phone=sender.phone,
        external_ids=sender.app_ids,
        name=sender.name,
        language=sender.language,
        country=sender.country,
    )


def _open(arrival: Arrival, adapter: ChannelAdapter, customer: Customer, previous: Ticket | None) -> Ticket:
    subject = redact(" ".join((arrival.subject or (previous.subject if previous else "")).split()))[:255]
    if not subject:
        raise ServiceError(_("The subject is required."), field="subject")
    order = arrival.order or (previous.order if previous else None)
    if order is not None and order.customer_id != customer.pk:
        raise ServiceError(_("This order belongs to another customer."), field="order")
    chosen = arrival.language or (previous.language if previous else None)
    language = ticket_language(
        customer_language=customer.language,
        first_message=f"{subject}\n{arrival.body}" if adapter.detect_language else "",
        fallback=chosen,
        chosen=chosen if (arrival.actor is not None or previous is not None) else None,
    )
    team, unserved = arrival.team or (previous.team if previous else None), False
    if team is None:
        team, unserved = team_for_new_ticket(country=arrival.country or customer.country, language=language)
    ticket = Ticket.objects.create(
        subject=subject,
        customer=customer,
        order=order,
        category=arrival.category or (previous.category if previous else None),
        # A customer's standing (e.g. a VIP segment) may raise the priority they arrive with.
        priority=raised_priority(arrival.priority, care_for(customer.pk)),
        status=Status.NEW,
        team=team,
        channel=adapter.name,
        conversation_key=arrival.conversation_key,
        language=language,
        language_unserved=unserved,
        last_activity_at=timezone.now(),
        follow_up_of=previous,
    )
    append_search_text(
        ticket, subject, customer.name, customer.email, customer.phone, order.external_number if order else ""
    )
    return ticket


def _record_opening(arrival: Arrival, ticket: Ticket, message: Message, previous: Ticket | None) -> None:
    """The new ticket's history (created; a follow-up on the closed one it continues) and what the live
    pages hear of it and its first message, in one write each."""
    events: list[EventToRecord] = [(ticket.pk, TicketEventKind.CREATED, "", ticket.channel)]
    if previous is not None:
        events.append((previous.pk, TicketEventKind.FOLLOW_UP, "", ticket.reference))
    ticket_events_record(events, actor=arrival.actor, also=message_changes(ticket, message))


def _store(arrival: Arrival, adapter: ChannelAdapter, ticket: Ticket, body: str, files: list[Any]) -> Message:
    """The message written; the caller tells the live pages."""
    if not adapter.customer_writes:  # we opened it: what we found is for the agents
        return message_write(ticket, MessageKind.NOTE, body, None, files)
    message = message_write(
        ticket,
        MessageKind.CUSTOMER,
        body,
        arrival.actor,
        files,
        channel=adapter.name,
        email_message_id=arrival.email_message_id,
    )
    if ticket.first_customer_message_at is None:
        Ticket.objects.filter(pk=ticket.pk).update(first_customer_message_at=message.created_at)
        ticket.first_customer_message_at = message.created_at
    return message


@transaction.atomic
def intake_receive(arrival: Arrival) -> Received:
    """Take in what a customer sent by any channel; see the module's description."""
    adapter = channel_adapter(arrival.channel)
    if arrival.actor is not None:
        roles.require(arrival.actor, roles.WORK_TICKETS)
    files, notes = accept_attachments(arrival.attachments, keep_refused_as_notes=arrival.keep_refused_files_as_notes)
    body = _body(arrival, files, notes)
    if not body:
        raise ServiceError(_("The message is required."), field="body")
    ticket = _conversation(arrival)
    previous = arrival.follow_up_of
    if ticket is not None and ticket.status != Status.CLOSED:
        message = _store(arrival, adapter, ticket, body, files)
        message_announce(ticket, message)
        ticket_mark_opened(ticket, None)
        return _received(arrival, ticket, message, opened=False)
    if ticket is not None:
        previous = ticket  # a closed conversation continues in a follow-up ticket
    customer = previous.customer if previous is not None and arrival.customer is None else _customer(arrival)
    ticket = _open(arrival, adapter, customer, previous)
    message = _store(arrival, adapter, ticket, body, files)
    sla_start(ticket=ticket, at=message.created_at)
    _record_opening(arrival, ticket, message, previous)
    ticket_route_new(ticket=ticket, now=message.created_at)
    if arrival.acknowledge and customer.email and previous is None:
        ticket_acknowledge(ticket=ticket)
    return _received(arrival, ticket, message, opened=True)


def _received(arrival: Arrival, ticket: Ticket, message: Message, *, opened: bool) -> Received:
    """What the intake did; the apps' listeners hear of it once it commits (tickets/listeners.py)."""
    arrived = Arrived(
        ticket_id=ticket.pk,
        message_id=message.pk,
        customer_id=ticket.customer_id,
        channel=arrival.channel,
        opened=opened,
        follow_up=opened and ticket.follow_up_of_id is not None,
        files_to_come=arrival.files_to_come,
    )
    transaction.on_commit(partial(tell_listeners, arrived))
    return Received(ticket=ticket, message=message, opened=opened)


def ticket_create(
    *,
    customer: Customer,
    subject: str,
    body: str,
    channel: str,
    actor: Any = None,
    category: Category | None = None,
    order: Order | None = None,
    priority: int = Priority.NORMAL,
    language: str | None = None,
    team: Team | None = None,
    country: str = "",
    attachments: Iterable[Any] = (),
    follow_up_of: Ticket | None = None,
    acknowledge: bool = False,
) -> Ticket:
    """A new ticket for a known customer, through the intake: the shorthand of the staff's channels
    (the API, a phone call), of tickets we open ourselves and of the tests."""
    arrival = Arrival(
        channel=channel,
        customer=customer,
        subject=subject,
        body=body,
        actor=actor,
        category=category,
        order=order,
        priority=priority,
        language=language,
        team=team,
        country=country,
        attachments=attachments,
        follow_up_of=follow_up_of,
        acknowledge=acknowledge,
    )
    return intake_receive(arrival).ticket


def message_receive_from_customer(
    *, ticket: Ticket, body: str, channel: str, author: Any = None, attachments: Iterable[Any] = ()
) -> Message:
    """The customer wrote on a known ticket (typed by `author` where someone did it for them, e.g. an
    API client), through the intake; a closed ticket gets a follow-up."""
    arrival = Arrival(channel=channel, ticket=ticket, body=body, actor=author, attachments=attachments)
    return intake_receive(arrival).message
