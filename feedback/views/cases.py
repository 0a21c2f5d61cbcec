"""The case library for agents: search (a page, or a fragment for the ticket panel) and summaries."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError
from helpdesk.htmx import vary_on_htmx, wants_fragment
from helpdesk.links import page_url
from tickets.models import Status, Ticket
from tickets.scope import can_see_ticket

from .. import selectors, services
from ..forms import CaseSearchForm, CaseSummaryForm
from ..panel import case_rows


def _visible_ticket(request: HttpRequest, ticket_id: int | None) -> Ticket | None:
    if not ticket_id:
        return None
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    return ticket if ticket is not None and can_see_ticket(request.user, ticket) else None


@staff_view()
def cases(request: HttpRequest) -> HttpResponse:
    form = CaseSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {"q": "", "ticket": None}
    ticket = _visible_ticket(request, data["ticket"])
    results = selectors.cases_search(
        query=data["q"],
        category_id=ticket.category_id if ticket else None,
        exclude_ticket_id=ticket.pk if ticket else None,
        limit=10 if ticket else 50,
    )
    context = {
        "form": form,
        "query": data["q"],
        "ticket": ticket,
        "cases": case_rows(results),
        "can_insert": ticket is not None and ticket.status != Status.CLOSED,
        "nav": "cases",
    }
    if wants_fragment(request):
        return vary_on_htmx(render(request, "feedback/_case_results.html", context))
    return vary_on_htmx(render(request, "feedback/cases.html", context))


@staff_view()
@require_POST
def case_summary(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _visible_ticket(request, ticket_id)
    if ticket is None:
        raise Http404
    form = CaseSummaryForm(request.POST)
    back = page_url(ticket, "case-library")
    if not form.is_valid():
        messages.error(request, _("Write the solution in a few words."))
        return redirect(back)
    try:
        services.case_set_summary(ticket=ticket, solution=form.cleaned_data["solution"], actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The case's solution was saved."))
    return redirect(back)
