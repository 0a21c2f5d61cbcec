"""What a change in the tickets app means here: a new ticket that came by email may ask where an
order is, which a named task answers after the arrival commits (nothing of this app runs in it)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save

from helpdesk.tasking import enqueue
from tickets.models import Channel, Ticket

AUTO_ANSWER_TASK = "selfservice.tasks.auto_answer_where_is_my_order"


def on_ticket_saved(sender: Any, instance: Ticket, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A new email ticket (not the follow-up of a closed one, which continues a conversation with
    people): the task decides whether it gets the automatic answer."""
    if not created or raw or not settings.AUTO_ANSWER_WHERE_IS_MY_ORDER:
        return
    if instance.channel == Channel.EMAIL and instance.follow_up_of_id is None:
        # Enqueued once the arrival commits: nothing of this app runs on the arrival's own path.
        transaction.on_commit(partial(enqueue, AUTO_ANSWER_TASK, instance.pk))


def connect() -> None:
    from tickets.history import register_event_kinds

    from .history import SelfServiceEventKind

    register_event_kinds(SelfServiceEventKind)
    post_save.connect(on_ticket_saved, sender=Ticket, dispatch_uid="selfservice.ticket_saved")
