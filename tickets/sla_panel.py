"""The SLA panel of the ticket page: each target, its deadline and state, and any breach."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from helpdesk.prepared import Prepared

from .models import SlaClock, Ticket

_CLOCKS = Prepared(
    lambda ticket_id: SlaClock.objects.filter(ticket_id=ticket_id).select_related("breach").order_by("metric"),
    ticket_id=int,
)


def sla_panel_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    clocks = _CLOCKS.objects(ticket_id=ticket.pk)
    if not clocks:
        return None
    # all the panel shows of its clocks: the panel is rendered again only when one of these changes
    shown = [(c.metric, c.target_minutes, c.due_at, c.paused_at, c.state, c.breached_at) for c in clocks]
    return {"clocks": clocks, "clocks_shown": shown}
