"""What a visitor does in the widget: start a conversation (or leave a message when nobody can take
it), write (one message per client id however often it is retried), read, go on by email, end, rate.

Every conversation is a ticket of the `chat` channel, entered by the one intake path; the visitor is
known by the email they gave, so the conversation can always go on by email."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from feedback.services import survey_respond_in_place
from helpdesk.errors import ServiceError
from helpdesk.language import normalise_language
from helpdesk.tasking import enqueue
from tickets.models import Category, Channel, Message, MessageKind, Order, Status, Ticket
from tickets.services import Arrival, care_for, customer_get_or_create, intake_receive, ticket_set_status
from workspace.live.streams import publish

from ..models import ChatConversation, ChatLine, ChatSite, ChatState
from .events import message_id_at, publish_message, publish_text
from .mail import chat_transcript_send
from .queue import chat_availability

SUBJECT_CHARS = 80


class ChatEnded(ServiceError):
    """The conversation is over (HTTP 409): a new one is started to write again."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def chat_for_token(site: ChatSite | None, token: str) -> ChatConversation | None:
    """The conversation of this visitor's token (on this site, when given); None when unknown."""
    if not token or len(token) > 128:
        return None
    found = ChatConversation.objects.select_related("site", "ticket", "ticket__customer", "agent").filter(
        token_hash=token_hash(token), site__active=True
    )
    if site is not None:
        found = found.filter(site=site)
    return found.first()


def _clean_body(body: str) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if len(text) > settings.CHAT_MAX_MESSAGE_CHARS:
        raise ServiceError(
            _("A message is at most %(count)d characters.") % {"count": settings.CHAT_MAX_MESSAGE_CHARS}, field="body"
        )
    return text


def _clean_client_id(client_id: str) -> str:
    client_id = (client_id or "").strip()
    if not client_id or len(client_id) > 64 or not client_id.isprintable():
        raise ServiceError(_("The message has no valid client id."), field="client_id")
    return client_id


def _announce(team_id: int | None, ticket_id: int | None = None) -> None:
    """The team's queue moved: its visitors are told their places (after commit), and when a chat
    left it without its ticket changing, the agents' pages of the team hear of that ticket."""
    if team_id:
        enqueue("chat.tasks.announce_queue", team_id)
        if ticket_id:
            publish(f"queue:team:{team_id}", "row", {"ticket": ticket_id})


def _subject(body: str, language: str) -> str:
    first = " ".join(body.split())[:SUBJECT_CHARS]
    if first:
        return first
    with translation.override(language):
        return _("Chat")


@transaction.atomic
def chat_start(
    *,
    site: ChatSite,
    name: str,
    email: str,
    body: str,
    client_id: str,
    language: str,
    order_number: str = "",
    category: Category | None = None,
    offline: bool = False,
    country: str = "",
    attachments: Iterable[Any] = (),
) -> tuple[ChatConversation, str]:
    """A new conversation with its first message; returns it and the visitor's token (kept only in
    their browser). When nobody is on shift, or the visitor chose to leave a message, it goes on by email."""
    if not site.active:
        raise ServiceError(_("This chat is not available."))
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ServiceError(_("Please enter your name."), field="name")
    body = _clean_body(body)
    client_id = _clean_client_id(client_id)
    language = normalise_language(language)
    if category is not None and site.categories.exists() and not site.categories.filter(pk=category.pk).exists():
        raise ServiceError(_("Choose one of the topics offered."), field="category")
    customer = customer_get_or_create(email=email, name=name, language=language, country=country)
    number = " ".join((order_number or "").split())[:100]
    order = Order.objects.filter(customer=customer, external_number__iexact=number).first() if number else None
    if number and order is None:
        with translation.override(language):
            body = f"{body}\n\n" + _("Order number: %(number)s") % {"number": number}
    by_email = offline or not chat_availability(site, language=language, country=country).online
    token = secrets.token_urlsafe(32)
    received = intake_receive(
        Arrival(
            channel=Channel.CHAT,
            customer=customer,
            subject=_subject(body, language),
            body=body,
            conversation_key=f"chat:{secrets.token_hex(16)}",
            category=category,
            order=order,
            language=language,
            team=site.team,
            country=country,
            attachments=attachments,
            acknowledge=by_email,
        )
    )
    conversation = ChatConversation.objects.create(
        site=site,
        ticket=received.ticket,
        token_hash=token_hash(token),
        state=ChatState.EMAIL if by_email else ChatState.QUEUED,
        language=language,
        visitor_name=name,
        queued_since=received.message.created_at,
        rank=care_for(customer.pk).queue_rank,
    )
    ChatLine.objects.create(conversation=conversation, client_id=client_id, message=received.message)
    publish_message(conversation, received.message, client_id)
    if by_email:
        _tell_by_email(conversation)
    _announce(received.ticket.team_id)
    return conversation, token


def _tell_by_email(conversation: ChatConversation) -> None:
    email = conversation.ticket.customer.email
    publish_text(conversation, "email", _("Thank you. We will answer by email at %(email)s.") % {"email": email})


def _locked(conversation: ChatConversation) -> ChatConversation:
    return (
        ChatConversation.objects.select_for_update(of=("self",))
        .select_related("site", "ticket", "ticket__customer", "agent")
        .get(pk=conversation.pk)
    )


@transaction.atomic
def chat_send(
    *, conversation: ChatConversation, client_id: str, body: str, attachments: Iterable[Any] = ()
) -> tuple[Message, bool]:
    """The visitor wrote: the message, and whether it is new (False: this client id was sent before,
    nothing is stored twice)."""
    client_id = _clean_client_id(client_id)
    conversation = _locked(conversation)  # two retries of one message queue up here
    seen = ChatLine.objects.filter(conversation=conversation, client_id=client_id).select_related("message").first()
    if seen is not None:
        return seen.message, False
    if conversation.state == ChatState.ENDED:
        raise ChatEnded(_("This chat has ended. Start a new one to write again."))
    received = intake_receive(
        Arrival(channel=Channel.CHAT, ticket=conversation.ticket, body=_clean_body(body), attachments=attachments)
    )
    if received.ticket.pk != conversation.ticket_id:  # the ticket was closed: a follow-up goes on the chat
        conversation.ticket = received.ticket
        conversation.state, conversation.agent = ChatState.QUEUED, None
        conversation.queued_since = received.message.created_at
        conversation.save(update_fields=["ticket", "state", "agent", "queued_since"])
        _announce(received.ticket.team_id)
    ChatLine.objects.create(conversation=conversation, client_id=client_id, message=received.message)
    publish_message(conversation, received.message, client_id)
    return received.message, True


@transaction.atomic
def chat_read(*, conversation: ChatConversation, seq: int) -> None:
    """The widget showed the events up to `seq`: the messages among them are seen (never moves back)."""
    upto = message_id_at(conversation, seq)
    ChatConversation.objects.filter(pk=conversation.pk, visitor_read_upto__lt=upto).update(visitor_read_upto=upto)


@transaction.atomic
def chat_agent_read(*, conversation_id: int) -> int | None:
    """An agent has the conversation's ticket open: the visitor's messages so far are seen. Returns
    the newest seen message id when that moved on (and the widget is told)."""
    conversation = ChatConversation.objects.select_for_update().get(pk=conversation_id)
    newest = (
        Message.objects.filter(ticket_id=conversation.ticket_id, kind=MessageKind.CUSTOMER)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if newest is None or newest <= conversation.agent_read_upto:
        return None
    conversation.agent_read_upto = newest
    conversation.save(update_fields=["agent_read_upto"])
    publish(conversation.stream, "read", {"upto": newest})
    return newest


@transaction.atomic
def chat_email_me(*, conversation: ChatConversation) -> ChatConversation:
    """The visitor leaves the queue: the answer comes by email."""
    conversation = _locked(conversation)
    if conversation.state != ChatState.QUEUED:
        return conversation
    conversation.state = ChatState.EMAIL
    conversation.save(update_fields=["state"])
    _tell_by_email(conversation)
    _announce(conversation.ticket.team_id, conversation.ticket_id)
    return conversation


def end_conversation(conversation: ChatConversation, *, by: str, transcript: bool, actor: Any = None) -> None:
    """Mark the (locked) conversation ended, solve its ticket when an agent answered it, tell the
    widget, and email the transcript when asked or when the site always does."""
    was_queued = conversation.state == ChatState.QUEUED
    conversation.state, conversation.ended_at = ChatState.ENDED, timezone.now()
    conversation.save(update_fields=["state", "ended_at"])
    ticket = Ticket.objects.get(pk=conversation.ticket_id)
    answered = Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY, is_automatic=False).exists()
    if answered and ticket.status in (Status.NEW, Status.OPEN, Status.PENDING):
        try:
            with transaction.atomic():
                ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actor)
        except ServiceError:
            pass  # facts still missing: the ticket stays open for its agent to finish
    publish_text(conversation, "ended", _("The chat has ended. Thank you for writing to us."), by=by)
    if transcript or conversation.site.transcript_always:
        chat_transcript_send(conversation)
    if was_queued:
        _announce(ticket.team_id, ticket.pk)


@transaction.atomic
def chat_end_by_visitor(*, conversation: ChatConversation, transcript: bool = False) -> ChatConversation:
    conversation = _locked(conversation)
    if conversation.state == ChatState.ENDED:
        if transcript:
            chat_transcript_send(conversation)
        return conversation
    end_conversation(conversation, by="visitor", transcript=transcript)
    return conversation


@transaction.atomic
def chat_rate(*, conversation: ChatConversation, rating: int, comment: str = "") -> None:
    """The visitor's 1 to 5 at the end: the same survey data as the emailed surveys."""
    conversation = _locked(conversation)
    if conversation.state != ChatState.ENDED or conversation.accepted_at is None:
        raise ServiceError(_("A chat can be rated once it has ended with an agent."))
    survey_respond_in_place(ticket=conversation.ticket, rating=rating, comment=comment)
    if not conversation.rated:
        conversation.rated = True
        conversation.save(update_fields=["rated"])
