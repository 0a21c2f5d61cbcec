"""What a change in the apps below means here: a new ticket that came by email may ask where an
order is, and a customer's message in a messaging app may be the assistant's to answer; named
tasks do both, enqueued by the intake's listener after the arrival commits (nothing of this app runs
in it)."""

from __future__ import annotations

from django.conf import settings

from helpdesk.tasking import enqueue
from tickets.listeners import Arrived, register_conversation_holder, register_message_listener
from tickets.models import Channel, Ticket

from .models import AssistantSession

AUTO_ANSWER_TASK = "selfservice.tasks.auto_answer_where_is_my_order"
ASSISTANT_TASK = "selfservice.tasks.assistant_answer"


def on_arrival(arrived: Arrived) -> None:
    """A new email ticket (not the follow-up of a closed one, which continues a conversation with
    people): the task decides whether it gets the automatic answer. A customer's message in an app
    the assistant serves: its task answers it (or stays silent)."""
    if arrived.channel == Channel.EMAIL and arrived.opened and not arrived.follow_up:
        if settings.AUTO_ANSWER_WHERE_IS_MY_ORDER:
            enqueue(AUTO_ANSWER_TASK, arrived.ticket_id)
    elif arrived.channel in settings.ASSISTANT_CHANNELS:
        enqueue(ASSISTANT_TASK, arrived.ticket_id, arrived.message_id, arrived.files_to_come)


def assistant_holds(ticket: Ticket) -> bool:
    """The assistant answers an app conversation until it hands over (a new one: it will)."""
    if ticket.channel not in settings.ASSISTANT_CHANNELS:
        return False
    return not AssistantSession.objects.filter(ticket=ticket, handed_over_at__isnull=False).exists()


def connect() -> None:
    from tickets.history import register_event_kinds
    from tickets.panels import register_panel

    from .assistant.panel import assistant_panel
    from .history import AssistantEventKind, SelfServiceEventKind

    register_event_kinds(SelfServiceEventKind)
    register_event_kinds(AssistantEventKind)
    register_message_listener("selfservice", on_arrival)
    register_conversation_holder("assistant", assistant_holds)
    register_panel("assistant", template="selfservice/assistant/panel.html", context=assistant_panel, order=5)
