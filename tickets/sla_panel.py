"""The SLA panel of the ticket page: each target, its deadline and state, and any breach."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import SlaClock, Ticket


def sla_panel_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    clocks = list(SlaClock.objects.filter(ticket=ticket).select_related("breach").order_by("metric"))
    if not clocks:
        return None
    return {"clocks": clocks}
