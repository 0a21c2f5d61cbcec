"""Thin pages: the panel's forms post here, a service does the step, the ticket page shows the result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import roles
from helpdesk.errors import NotFound, ServiceError
from tickets.models import Ticket
from tickets.scope import can_see_ticket

from . import services
from .forms import ReturnRequestForm, ReturnStepForm, parse_items
from .models import ReturnRequest


def _ticket_for(request: HttpRequest, ticket_id: int) -> Ticket:
    ticket = get_object_or_404(Ticket.objects.select_related("customer", "order"), pk=ticket_id)
    if not roles.is_agent(request.user) or not can_see_ticket(request.user, ticket):
        raise Http404
    return ticket


@login_required
@require_POST
def return_request(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _ticket_for(request, ticket_id)
    form = ReturnRequestForm(request.POST, prefix="return")
    if not form.is_valid():
        messages.error(request, _("Check the return's fields."))
        return redirect(ticket)
    data = form.cleaned_data
    try:
        ret = services.return_request(
            ticket=ticket,
            actor=request.user,
            kind=data["kind"],
            reason=data["reason"],
            items=parse_items(data["items"]),
            refund_amount=data["refund_amount"] or None,
            reason_detail=data["reason_detail"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Return %(number)s requested.") % {"number": ret.reference})
    return redirect(ticket)


@login_required
@require_POST
def return_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    ret = get_object_or_404(ReturnRequest.objects.select_related("ticket"), pk=pk)
    ticket = _ticket_for(request, ret.ticket_id)
    form = ReturnStepForm(request.POST, request.FILES, prefix="step")
    form.is_valid()
    data = form.cleaned_data
    note = data.get("note") or ""
    user = request.user
    actions = {
        "approve": lambda: services.return_approve(ret=ret, actor=user, note=note),
        "reject": lambda: services.return_reject(ret=ret, actor=user, note=note),
        "label": lambda: services.return_send_label(
            ret=ret,
            actor=user,
            tracking_number=data.get("tracking_number") or "",
            carrier=data.get("carrier"),
            label_file=data.get("label_file"),
            label_url=data.get("label_url") or "",
        ),
        "transit": lambda: services.return_mark_in_transit(ret=ret, actor=user, note=note),
        "receive": lambda: services.return_receive(ret=ret, actor=user, note=note),
        "inspect": lambda: services.return_inspect(ret=ret, actor=user, passed=bool(data.get("passed")), note=note),
        "refund": lambda: services.return_refund(ret=ret, actor=user, note=note),
        "exchange": lambda: services.return_exchange(
            ret=ret, actor=user, tracking_number=data.get("tracking_number") or "", carrier=data.get("carrier")
        ),
        "close": lambda: services.return_close(ret=ret, actor=user, note=note),
    }
    action = actions.get(step)
    if action is None:
        raise Http404
    try:
        done = action()
    except NotFound as error:
        raise Http404 from error
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Return %(number)s: %(state)s.") % {"number": done.reference, "state": done.get_state_display()},
        )
    return redirect(ticket)
