"""The assistant's one write path: a customer's message in a messaging app (ASSISTANT_CHANNELS)
gets at most one answer, decided by rules in the ticket's language, sent as a system message of the
thread through the app (so it meets no first-response target), kept in the ticket's history.

Under the conversation's row lock, before anything is said: a handed-over conversation gets
nothing more, ever; a message already handled (or older than one handled) gets nothing again, so a
task run twice or late answers once; an agent's reply in the thread hands over without a word."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from chat.models import ChatConversation
from tickets.history import ticket_event_record
from tickets.models import Message, MessageKind, Ticket

from ..history import AssistantEventKind
from ..intents import Intent, detect_intent
from ..models import AssistantSession, AssistantStep, HandoverReason
from . import articles, facts_flow, order_flow, texts
from .sending import send
from .turn import Turn
from .words import PERSON_CHOICE, asks_for_person, menu_choice, menu_intent

STEPS: dict[str, Callable[[Turn], None]] = {
    AssistantStep.ORDER_NUMBER: order_flow.on_order_number,
    AssistantStep.EMAIL: order_flow.on_email,
    AssistantStep.CODE: order_flow.on_code,
    AssistantStep.FACT: facts_flow.on_fact,
}


def _lock(ticket_id: int) -> tuple[Ticket, AssistantSession] | None:
    """The ticket, then its conversation, each locked (the ticket's lock makes the conversation's
    creation single)."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "category")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None or ticket.channel not in settings.ASSISTANT_CHANNELS or ticket.merged_into_id is not None:
        return None
    AssistantSession.objects.get_or_create(ticket=ticket)
    session = (
        AssistantSession.objects.select_for_update(of=("self",)).select_related("order__customer").get(ticket=ticket)
    )
    return ticket, session


def _agent_replied(ticket: Ticket) -> bool:
    """A person is in the conversation: an agent replied, or took the chat (accepting it says so)."""
    if Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY, is_automatic=False).exists():
        return True
    return ChatConversation.objects.filter(ticket=ticket, agent__isnull=False).exists()


def _begin(turn: Turn, intent: str) -> None:
    session = turn.session
    session.intent, session.greeted, session.step = intent, True, AssistantStep.NOTHING
    if intent not in session.intents_asked:
        session.intents_asked = [*session.intents_asked, intent]
    if intent == Intent.WHERE_IS_MY_ORDER:
        order_flow.start(turn)
    elif intent == Intent.DAMAGED:
        facts_flow.start(turn)
    else:
        articles.answer(turn, intent)


def converse(turn: Turn) -> None:
    """Decide what to say to this message (the rules, in order)."""
    session = turn.session
    waiting = session.step in STEPS
    choice = None if waiting else menu_choice(turn.text)
    if choice == PERSON_CHOICE or asks_for_person(turn.text):
        turn.hand_over(HandoverReason.REQUESTED)
        return
    intent = menu_intent(choice) or detect_intent(turn.text, turn.language)
    if waiting and (intent is None or intent == session.intent or session.step == AssistantStep.FACT):
        STEPS[session.step](turn)
    elif intent is not None:
        _begin(turn, intent)
    elif not session.greeted:
        session.greeted, session.step = True, AssistantStep.MENU
        turn.say(texts.greeting(), topic="menu")
    else:
        turn.misunderstood(texts.not_understood(), topic="menu")


def _finish(turn: Turn, now: datetime) -> None:
    session, ticket = turn.session, turn.ticket
    session.misunderstood = session.misunderstood + 1 if turn.confused else 0
    for kind, value in turn.events:
        ticket_event_record(ticket=ticket, kind=kind, data={"new": value})
    if turn.said and send(ticket, "\n\n".join(turn.said)):
        session.replies += 1
        ticket_event_record(ticket=ticket, kind=AssistantEventKind.REPLIED, data={"new": ", ".join(turn.topics)})
    if turn.handover:
        session.handed_over_at, session.handover_reason = now, turn.handover
        session.step = AssistantStep.NOTHING
        ticket_event_record(ticket=ticket, kind=AssistantEventKind.HANDED_OVER, data={"new": turn.handover})


@transaction.atomic
def assistant_answer(*, ticket_id: int, message_id: int, files: int = 0) -> bool:
    """Answer the customer's message `message_id` on ticket `ticket_id` (with `files` files on their
    way from the app); True when something was sent now."""
    locked = _lock(ticket_id)
    if locked is None:
        return False
    ticket, session = locked
    if session.handed_over_at is not None or message_id <= session.last_message_id:
        return False
    message = Message.objects.filter(pk=message_id, ticket=ticket, kind=MessageKind.CUSTOMER).first()
    if message is None:
        return False
    now = timezone.now()
    session.last_message_id, session.updated_at = message_id, now
    if _agent_replied(ticket):  # a person is already in the conversation
        session.handed_over_at, session.handover_reason = now, HandoverReason.AGENT_REPLIED
        session.save()
        ticket_event_record(ticket=ticket, kind=AssistantEventKind.HANDED_OVER, data={"new": session.handover_reason})
        return False
    photo = files > 0 or message.attachments.filter(content_type__startswith="image/").exists()
    turn = Turn(session=session, ticket=ticket, message=message, text=message.body, photo=photo)
    with translation.override(ticket.language):
        converse(turn)
    _finish(turn, now)
    session.save()
    return bool(turn.said)
