"""The compensation panel on the ticket page (registered in apps.PoliciesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from helpdesk import roles
from tickets.models import Ticket

from . import selectors, services
from .forms import CompensationRequestForm


def compensation_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    if not roles.is_agent(request.user):
        return None
    from .views import decision_context

    requests = selectors.requests_visible_to(request.user).filter(ticket=ticket).order_by("-created_at", "-id")
    return {
        "committed": selectors.committed_on_ticket(ticket),
        "authority": services.authority_of(request.user),
        "decisions": [decision_context(request.user, comp) for comp in requests],
        "form": CompensationRequestForm(ticket=ticket),
        "form_url": reverse("policies:request_create", args=[ticket.pk]),
    }
