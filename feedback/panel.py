"""The case library panel on the ticket page (registered in apps.FeedbackConfig.ready)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from helpdesk import roles
from tickets.models import Status, Ticket

from . import selectors
from .forms import CaseSearchForm, CaseSummaryForm
from .models import CaseRecord
from .services.compensation import compensation_labels

PANEL_CASES = 5


def case_rows(cases: Iterable[CaseRecord]) -> list[dict[str, Any]]:
    return [{"case": case, "compensation": compensation_labels(case.compensation)} for case in cases]


def cases_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    if not roles.is_agent(request.user):
        return None
    similar = selectors.cases_search(category_id=ticket.category_id, exclude_ticket_id=ticket.pk, limit=PANEL_CASES)
    own = selectors.ticket_case(ticket.pk)
    return {
        "cases": case_rows(similar),
        "own_case": own,
        "search_form": CaseSearchForm(initial={"ticket": ticket.pk}),
        "summary_form": CaseSummaryForm(initial={"solution": own.solution if own else ""}),
        "can_summarise": ticket.status in (Status.SOLVED, Status.CLOSED) or own is not None,
        "can_insert": ticket.status != Status.CLOSED,
        "search_url": reverse("feedback:cases"),
    }
