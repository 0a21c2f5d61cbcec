"""The customer panel on the ticket page (registered in apps.InsightsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from helpdesk import roles
from tickets.models import Ticket

from . import selectors


def customer_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    if not roles.is_agent(request.user):
        return None
    return {
        "profile": selectors.profile_of(ticket.customer_id),
        "segments": selectors.customer_segments(ticket.customer_id),
        "customer": ticket.customer,
        "callbacks": selectors.pending_callbacks(ticket.customer_id),
    }
