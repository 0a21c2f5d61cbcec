"""Apps above hear of each customer message a live conversation brought (a messaging app, the chat
widget), once it is stored and committed, without the channels knowing them: an app registers a
listener from its `AppConfig.ready()` (`register_message_listener`); a listener should only enqueue
a task by name.
A listener that fails is logged; the customer's message is kept whatever happens.

An app that answers a conversation itself (the assistant) says so with `register_conversation_holder`:
while one holds it, the customer is not told their place in the queue (no person is due yet).
Channels call `message_stored` and `conversation_held`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppMessage:
    ticket_id: int
    message_id: int
    channel: str
    files: int  # files the customer sent with it, fetched by their own tasks


Listener = Callable[[AppMessage], None]
_LISTENERS: dict[str, Listener] = {}
_HOLDERS: dict[str, Callable[[Any], bool]] = {}


def register_message_listener(name: str, listener: Listener) -> None:
    _LISTENERS[name] = listener


def unregister_message_listener(name: str) -> None:
    _LISTENERS.pop(name, None)


def _tell(arrived: AppMessage) -> None:
    for name, listener in sorted(_LISTENERS.items()):
        try:
            listener(arrived)
        except Exception:
            logger.exception("message listener %s failed for message %s", name, arrived.message_id)


def message_stored(arrived: AppMessage) -> None:
    """Tell the listeners after the current transaction commits (never if it rolls back)."""
    transaction.on_commit(partial(_tell, arrived))


def register_conversation_holder(name: str, holds: Callable[[Any], bool]) -> None:
    """`holds(ticket)` is True while the app answers that conversation itself."""
    _HOLDERS[name] = holds


def unregister_conversation_holder(name: str) -> None:
    _HOLDERS.pop(name, None)


def conversation_held(ticket: Any) -> bool:
    return any(holds(ticket) for _name, holds in sorted(_HOLDERS.items()))
