"""Changes made from the ticket page's side bar: status, assignee, priority, category, language,
the category's facts, and merging into another ticket. Each calls its service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError, add_service_error
from helpdesk.htmx import vary_on_htmx, wants_fragment
from helpdesk.links import page_url

from .. import selectors, services
from ..forms import (
    AssigneeForm,
    CategoryForm,
    FactsForm,
    LanguageForm,
    MergeForm,
    PriorityForm,
    StatusForm,
)
from ..models import CategoryField, Ticket
from . import ticket_context as ctx
from .ticket import UNPROCESSABLE, render_ticket_page


@dataclass(frozen=True)
class Property:
    form: Callable[..., Form]
    apply: Callable[[HttpRequest, Ticket, Any], object]
    done: Callable[[], str]  # the notice, translated when shown


def _assignee_form(data: Any, ticket: Ticket) -> Form:
    return AssigneeForm(data, ticket=ticket, agents=selectors.team_agents(ticket.team_id))


PROPERTIES: dict[str, Property] = {
    "status": Property(
        form=lambda data, ticket: StatusForm(data, ticket=ticket),
        apply=lambda request, ticket, form: services.ticket_set_status(
            ticket=ticket, status=form.cleaned_data["status"], actor=request.user
        ),
        done=lambda: _("Status changed."),
    ),
    "assignee": Property(
        form=_assignee_form,
        apply=lambda request, ticket, form: services.ticket_assign(
            ticket=ticket, assignee=form.chosen(), actor=request.user
        ),
        done=lambda: _("Assignee changed."),
    ),
    "priority": Property(
        form=lambda data, ticket: PriorityForm(data, ticket=ticket),
        apply=lambda request, ticket, form: services.ticket_set_priority(
            ticket=ticket, priority=form.cleaned_data["priority"], actor=request.user
        ),
        done=lambda: _("Priority changed."),
    ),
    "category": Property(
        form=lambda data, ticket: CategoryForm(data, ticket=ticket),
        apply=lambda request, ticket, form: services.ticket_set_category(
            ticket=ticket, category=form.cleaned_data["category"], actor=request.user
        ),
        done=lambda: _("Category changed."),
    ),
    "language": Property(
        form=lambda data, ticket: LanguageForm(data, ticket=ticket),
        apply=lambda request, ticket, form: services.ticket_set_language(
            ticket=ticket, language=form.cleaned_data["language"], actor=request.user
        ),
        done=lambda: _("Language changed."),
    ),
}


def _properties_response(
    request: HttpRequest,
    ticket: Ticket,
    *,
    notice: str = "",
    error: str = "",
) -> HttpResponse:
    context = {
        **ctx.summary_context(ticket),
        **ctx.properties_context(request, ticket, error=error),
        **ctx.history_context(ticket),
        **ctx.facts_context(ticket),
        "properties_notice": notice,
        "oob": True,
    }
    status = UNPROCESSABLE if error else 200
    return vary_on_htmx(render(request, "tickets/ticket/_properties_changed.html", context, status=status))


@staff_view()
@require_POST
def change_property(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    prop = PROPERTIES.get(name)
    if prop is None:
        raise Http404
    ticket = selectors.ticket_for_user(request.user, pk)
    form = prop.form(request.POST, ticket)
    error = ""
    if form.is_valid():
        try:
            prop.apply(request, ticket, form)
        except ServiceError as refused:
            error = refused.message
        else:
            ticket = selectors.ticket_for_user(request.user, pk)
            notice = prop.done()
            if wants_fragment(request):
                return _properties_response(request, ticket, notice=notice)
            messages.success(request, notice)
            return redirect(page_url(ticket))
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    # Show the ticket as stored (the refused change left nothing): the controls show the
    # current values, the reason above them.
    ticket = selectors.ticket_for_user(request.user, pk)
    if wants_fragment(request):
        return _properties_response(request, ticket, error=error)
    return render_ticket_page(request, ticket, status=UNPROCESSABLE, properties_error=error)


@staff_view()
@require_POST
def record_facts(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, pk)
    fields = list(CategoryField.objects.filter(category_id=ticket.category_id)) if ticket.category_id else []
    form = FactsForm(request.POST, ticket=ticket, fields=fields)
    if form.is_valid():
        try:
            services.ticket_record_facts(ticket=ticket, facts=form.facts(), actor=request.user)
        except ServiceError as error:
            form.add_fact_error(error)
        else:
            ticket = selectors.ticket_for_user(request.user, pk)
            notice = _("Facts saved.")
            if not wants_fragment(request):
                messages.success(request, notice)
                return redirect(page_url(ticket, "ticket-facts"))
            context = {
                "ticket": ticket,
                **ctx.facts_context(ticket, notice=notice),
                **ctx.history_context(ticket),
                "oob": True,
            }
            return vary_on_htmx(render(request, "tickets/ticket/_facts_saved.html", context))
    ticket = selectors.ticket_for_user(request.user, pk)
    if wants_fragment(request):
        context = {"ticket": ticket, **ctx.facts_context(ticket, form)}
        return vary_on_htmx(render(request, "tickets/ticket/_facts.html", context, status=UNPROCESSABLE))
    return render_ticket_page(request, ticket, status=UNPROCESSABLE, facts_form=form)


@staff_view()
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        target_pk = form.target_pk()
        try:
            if target_pk is None:
                raise ServiceError(_("Enter a ticket reference such as HD-000123."), field="target")
            try:
                target = selectors.ticket_for_user(request.user, target_pk)
            except Http404:
                raise ServiceError(_("No such ticket."), field="target") from None
            services.ticket_merge(source=ticket, target=target, actor=request.user)
        except ServiceError as error:
            add_service_error(form, error, fallback="target")
        else:
            messages.success(
                request,
                _("%(source)s was merged into this ticket.") % {"source": ticket.reference},
            )
            return redirect(page_url(target))
    ticket = selectors.ticket_for_user(request.user, pk)
    return render_ticket_page(request, ticket, status=UNPROCESSABLE, merge_form=form)
