"""The public way for any app to write an entry into a ticket's history."""

from __future__ import annotations

from typing import Any

from ..models import Ticket, TicketEvent
from ._common import record_event


def ticket_event_record(
    *, ticket: Ticket, kind: str, actor: Any = None, data: dict[str, Any] | None = None
) -> TicketEvent:
    """Record one event of `kind` on the ticket (give the kind a label with
    tickets.history.register_event_label). `data` holds the values shown with it: "old" (what was
    true before, if anything) and "new"."""
    data = data or {}
    return record_event(ticket, actor, kind, data.get("old", ""), data.get("new", ""))
