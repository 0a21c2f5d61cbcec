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
    return {"clocks": clocks}
