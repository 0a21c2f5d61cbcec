"""The returns panel of the ticket page (registered in apps.ReturnsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from helpdesk import roles
from helpdesk.fragments import KeyedForm

from . import selectors
from .forms import ReturnRequestForm, ReturnStepForm
from .models import ReturnRequest, ReturnState
from .services.common import TRANSITIONS

# The steps an agent takes by hand from each state (in transit also comes from the tracking).
STEP_OF_STATE: dict[str, str] = {
    ReturnState.APPROVED: "approve",
    ReturnState.REJECTED: "reject",
    ReturnState.LABEL_SENT: "label",
    ReturnState.IN_TRANSIT: "transit",
    ReturnState.RECEIVED: "receive",
    ReturnState.INSPECTED: "inspect",
    ReturnState.REFUNDED: "refund",
    ReturnState.EXCHANGED: "exchange",
    ReturnState.CLOSED: "close",
}


def next_steps(ret: ReturnRequest) -> list[str]:
    steps = [STEP_OF_STATE[s] for s in TRANSITIONS.get(ret.state, ()) if s in STEP_OF_STATE]
    if ret.compensation is not None and ret.compensation.is_pending:
        return []  # a supervisor decides first
    not_for_kind = "refund" if ret.is_exchange else "exchange"
    return [s for s in steps if s != not_for_kind]


def returns_panel(request: HttpRequest, ticket: Any) -> dict[str, Any] | None:
    if not roles.is_agent(request.user):
        return None
    returns = list(selectors.returns_of_ticket(ticket.pk))
    return {
        "returns": [{"ret": ret, "steps": next_steps(ret)} for ret in returns],
        "has_order": ticket.order_id is not None,
        # built only when shown (an order to return from, a step that asks for a carrier)
        "request_form": KeyedForm(ReturnRequestForm, (), prefix="return"),
        "step_form": KeyedForm(ReturnStepForm, (), prefix="step"),
        "request_url": reverse("returns:request", args=[ticket.pk]),
    }
