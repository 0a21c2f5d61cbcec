"""What a change in the apps below means here: a new ticket that came by email may ask where an
order is, and a customer's message in a messaging app may be the assistant's to answer; named
tasks do both after the arrival commits (nothing of this app runs in it)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save

from helpdesk.tasking import enqueue
from tickets.listeners import AppMessage, register_conversation_holder, register_message_listener
from tickets.models import Channel, Ticket

from .models import AssistantSession

AUTO_ANSWER_TASK = "selfservice.tasks.auto_answer_where_is_my_order"
ASSISTANT_TASK = "selfservice.tasks.assistant_answer"


def on_ticket_saved(sender: Any, instance: Ticket, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A new email ticket (not the follow-up of a closed one, which continues a conversation with
    people): the task decides whether it gets the automatic answer."""
    if not created or raw or not settings.AUTO_ANSWER_WHERE_IS_MY_ORDER:
        return
    if instance.channel == Channel.EMAIL and instance.follow_up_of_id is None:
        # Enqueued once the arrival commits: nothing of this app runs on the arrival's own path.
        transaction.on_commit(partial(enqueue, AUTO_ANSWER_TASK, instance.pk))


def on_app_message(arrived: AppMessage) -> None:
    """A customer's app message, committed: the assistant's task answers it (or stays silent)."""
    if arrived.channel in settings.ASSISTANT_CHANNELS:
        enqueue(ASSISTANT_TASK, arrived.ticket_id, arrived.message_id, arrived.files)


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
    register_message_listener("assistant", on_app_message)
    register_conversation_holder("assistant", assistant_holds)
    register_panel("assistant", template="selfservice/assistant/panel.html", context=assistant_panel, order=5)
    post_save.connect(on_ticket_saved, sender=Ticket, dispatch_uid="selfservice.ticket_saved")
