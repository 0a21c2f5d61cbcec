"""The compensation panel on the ticket page (registered in apps.PoliciesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from helpdesk import roles
from helpdesk.errors import ServiceError
from helpdesk.fragments import KeyedForm
from tickets.models import Ticket

from . import selectors, services
from .forms import CompensationRequestForm, DecisionForm
from .models import CompensationRequest, RequestState
from .services.audience import may_decide_scope
from .services.rates import BASE_CURRENCY
from .services.validation import WAITING_REASONS

# A refused post re-renders the whole ticket page; the panel then shows the form as it was sent.
BOUND_FORM_ATTRIBUTE = "policies_compensation_form"


def decision_context(user: Any, comp: CompensationRequest, form: DecisionForm | None = None) -> dict[str, Any]:
    can_decide = comp.state == RequestState.PENDING and comp.requested_by_id != user.pk and may_decide_scope(user, comp)
    return {
        "comp": comp,
        "can_decide": can_decide,
        "own_request": comp.requested_by_id == user.pk,
        "decision_form": form or DecisionForm(),
        "waiting_reasons": [WAITING_REASONS.get(code, code) for code in comp.waiting_reasons],
    }


def compensation_panel(
    request: HttpRequest, ticket: Ticket, *, form: CompensationRequestForm | None = None, notice: str = ""
) -> dict[str, Any] | None:
    if not roles.is_agent(request.user):
        return None
    shown = form or getattr(request, BOUND_FORM_ATTRIBUTE, None) or _unbound_form(ticket)
    requests, committed = selectors.ticket_requests(ticket)
    authority = services.authority_of(request.user)
    return {
        "committed": committed,
        "authority": authority,
        "room_left": committed.room_left(authority.limit_usd) if authority else None,
        "decisions": [decision_context(request.user, comp) for comp in requests],
        "form": shown,
        "form_url": reverse("policies:request_create", args=[ticket.pk]),
        "in_panel": True,
        "notice": notice,
        **rate_context(ticket),
    }


def _unbound_form(ticket: Ticket) -> KeyedForm:
    """The empty request form, built only when its fragment is rendered afresh (keyed by the order's currency)."""
    currency = ticket.order.currency if ticket.order is not None else None
    return KeyedForm(CompensationRequestForm, (currency,), ticket=ticket)


def rate_context(ticket: Ticket) -> dict[str, Any]:
    """The rate a request on this ticket would use now, with its day, or why there is none."""
    if ticket.order is None or ticket.order.currency == BASE_CURRENCY:
        return {}
    today = services.rate_day()
    try:
        rate = services.exchange_rate_for(currency=ticket.order.currency, day=today)
    except ServiceError as error:
        return {"rate_problem": error.message}
    return {
        "rate": rate,
        "rate_currency": ticket.order.currency,
        "rate_display": format(rate.units_per_usd.normalize(), "f"),
        "rate_is_old": rate.date != today,
    }
