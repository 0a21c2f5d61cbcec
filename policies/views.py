"""Pages: the approvals queue, the request form (also the ticket panel's target), a request's page,
and the decision endpoint used by all of them (plain POST or htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import roles
from helpdesk.decorators import staff_view
from helpdesk.errors import Conflict, NotAllowed, NotFound, ServiceError, add_service_error
from helpdesk.htmx import is_htmx, vary_on_htmx, wants_fragment
from helpdesk.links import page_url
from tickets import selectors as ticket_selectors
from tickets.models import Ticket
from tickets.scope import can_see_ticket
from tickets.views.ticket import render_ticket_page

from . import selectors, services
from .forms import CompensationRequestForm, DecisionForm
from .models import RequestState
from .panel import BOUND_FORM_ATTRIBUTE, compensation_panel, decision_context
from .services.audience import APPROVALS_STREAM


def _visible_ticket(request: HttpRequest, ticket_pk: int) -> Ticket:
    ticket = get_object_or_404(Ticket.objects.select_related("order", "customer", "team"), pk=ticket_pk)
    if not can_see_ticket(request.user, ticket):
        raise Http404
    return ticket


@staff_view(roles.SUPERVISE)
def queue(request: HttpRequest) -> HttpResponse:
    rows, waiting = selectors.approvals_queue(request.user)
    for row in rows:
        row.decision = decision_context(request.user, row.request)
        row.ticket_url = page_url(row.request.ticket)
    return render(
        request,
        "policies/queue.html",
        {
            "rows": rows,
            "waiting": waiting,
            "capped": waiting > selectors.COUNT_CAP,
            "nav": "approvals",
            "live_streams": [APPROVALS_STREAM],
        },
    )


UNPROCESSABLE = 422  # a refused form, re-rendered: htmx swaps it in like a success (static/js/helpdesk.js)


def _render_panel(
    request: HttpRequest, ticket: Ticket, form: CompensationRequestForm | None, notice: str = "", status: int = 200
) -> HttpResponse:
    context = compensation_panel(request, ticket, form=form, notice=notice) or {}
    return vary_on_htmx(render(request, "policies/panel.html", {"ticket": ticket, **context}, status=status))


def _refused_on_ticket_page(request: HttpRequest, ticket: Ticket, form: CompensationRequestForm) -> HttpResponse:
    """The ticket page itself, its compensation panel showing the refused form as sent."""
    setattr(request, BOUND_FORM_ATTRIBUTE, form)
    return render_ticket_page(request, ticket_selectors.ticket_for_user(request.user, ticket.pk), status=UNPROCESSABLE)


@staff_view()
def request_create(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    """The request form: on the ticket page's panel (plain post or htmx) and as a page of its own.
    A refusal stays where the agent was, with the errors by their fields and every value kept."""
    ticket = _visible_ticket(request, ticket_pk)
    form = CompensationRequestForm(request.POST or None, ticket=ticket)
    if request.method != "POST":
        return _request_page(request, ticket, form)
    if form.is_valid():
        try:
            comp = services.compensation_request_create(ticket=ticket, actor=request.user, **form.cleaned_data)
        except NotAllowed:
            raise PermissionDenied from None
        except NotFound:
            raise Http404 from None
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if comp.state == RequestState.APPROVED:
                notice = _("Compensation approved: it is within your authority.")
            else:
                notice = _("Compensation requested: it waits for a supervisor's approval.")
            if wants_fragment(request):
                return _render_panel(request, _visible_ticket(request, ticket_pk), None, notice)
            messages.success(request, notice)
            return redirect(page_url(ticket))
    if wants_fragment(request):
        return _render_panel(request, ticket, form, status=UNPROCESSABLE)
    if request.POST.get("from") == "panel":
        return _refused_on_ticket_page(request, ticket, form)
    return _request_page(request, ticket, form, status=UNPROCESSABLE)


def _request_page(
    request: HttpRequest, ticket: Ticket, form: CompensationRequestForm, status: int = 200
) -> HttpResponse:
    """This app's own page of the form: what the panel shows, with a link back to the ticket."""
    context = compensation_panel(request, ticket, form=form) or {}
    context.update(ticket=ticket, in_panel=False, ticket_url=page_url(ticket))
    return render(request, "policies/request_form.html", context, status=status)


@staff_view()
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    comp = get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)
    log = getattr(comp, "decision_log", None) if comp.state != RequestState.PENDING else None
    return render(
        request,
        "policies/request_detail.html",
        {**decision_context(request.user, comp), "log": log, "ticket_url": page_url(comp.ticket)},
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@require_POST
@staff_view(roles.SUPERVISE)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    comp = get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            comp = services.compensation_request_decide(
                request=comp,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except NotAllowed:
            raise PermissionDenied from None
        except NotFound:
            raise Http404 from None
        except ServiceError as error:
            add_service_error(form, error)
            status = 409 if isinstance(error, Conflict) else 400
            comp.refresh_from_db()
    else:
        status = 400
    if is_htmx(request):
        # htmx swaps 2xx answers only: errors come back as the box with its messages.
        return render(request, "policies/_decision_box.html", decision_context(request.user, comp, form))
    if status == 200:
        messages.success(request, _("Decision recorded: %(state)s.") % {"state": comp.get_state_display()})
    else:
        errors = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join(errors))
    return redirect(_safe_next(request, reverse("policies:queue")))
