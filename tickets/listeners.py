"""Apps above hear of each customer message the intake took in, by any channel, once it is committed,
without the channels knowing them: an app registers a listener from its `AppConfig.ready()`
(`register_message_listener`); a listener should only enqueue a task by name. Listeners run after
the arrival's transaction commits (never if it rolls back), so nothing of theirs is on the arrival's
own path. A listener that fails is logged; the customer's message is kept whatever happens.

An app that answers a conversation itself (the assistant) says so with `register_conversation_holder`:
while one holds it, the customer is not told their place in the queue (no person is due yet).
The intake calls `tell_listeners`; the live channels call `conversation_held`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Arrived:
    """A message the intake stored: the customer's words, or the first note of a ticket we opened."""

    ticket_id: int
    message_id: int
    customer_id: int
    channel: str
    opened: bool  # it opened a new ticket
    follow_up: bool  # that new ticket continues a closed one
    files_to_come: int = 0  # files the channel fetches by its own tasks (a messaging app's media)


Listener = Callable[[Arrived], None]
_LISTENERS: dict[str, Listener] = {}
_HOLDERS: dict[str, Callable[[Any], bool]] = {}


def register_message_listener(name: str, listener: Listener) -> None:
    _LISTENERS[name] = listener


def unregister_message_listener(name: str) -> None:
    _LISTENERS.pop(name, None)


def tell_listeners(arrived: Arrived) -> None:
    """Every listener, in name order (the intake calls this once the arrival has committed)."""
    for name, listener in sorted(_LISTENERS.items()):
        try:
            listener(arrived)
        except Exception:
            logger.exception("message listener %s failed for message %s", name, arrived.message_id)


def register_conversation_holder(name: str, holds: Callable[[Any], bool]) -> None:
    """`holds(ticket)` is True while the app answers that conversation itself."""
    _HOLDERS[name] = holds


def unregister_conversation_holder(name: str) -> None:
    _HOLDERS.pop(name, None)


def conversation_held(ticket: Any) -> bool:
    return any(holds(ticket) for _name, holds in sorted(_HOLDERS.items()))
