"""Bulk actions from the queue: the bar above the rows, the confirmation of "all matching", the
summary of what changed and what was refused, and undo. Thin: the services decide."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError

from .. import selectors
from ..models import BulkAction, BulkKind, Priority, Status, format_reference
from ..queue_choices import QueueChoices
from ..queue_filter import QueueFilter
from ..services.bulk import bulk_apply, prepare
from ..services.bulk_undo import bulk_undo, last_undoable

UNPROCESSABLE = 422
TEXT_KINDS = (BulkKind.TAG_ADD, BulkKind.TAG_REMOVE, BulkKind.MERGE)  # their value is typed beside
SETTABLE_STATUSES = [Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED]


def bar_context(choices: QueueChoices) -> dict[str, Any]:
    """What the bulk bar offers: the queue page's choices, already read."""
    return {
        "bulk_statuses": [(s.value, s.label) for s in SETTABLE_STATUSES],
        "bulk_priorities": Priority.choices,
        "bulk_categories": choices.categories,
        "bulk_agents": choices.agents,
        "bulk_teams": choices.teams,
        "bulk_macros": choices.macros,
        "bulk_max": settings.BULK_MAX_TICKETS,
    }


def _matching_ids(request: HttpRequest, query: str) -> tuple[list[int], bool]:
    """The tickets the queue shows for this query string, at most BULK_MAX_TICKETS, and whether more match."""
    params = QueryDict(query)
    user = request.user
    view = selectors.chosen_view(user, params.get("view"))
    form = QueueFilter.for_user(params, user)
    cap = settings.BULK_MAX_TICKETS
    ids = selectors.queue_matching_ids(user, view, form.filters(), limit=cap + 1)
    return ids[:cap], len(ids) > cap


def _selected_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("ticket") if v.isdigit()]


@staff_view()
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    kind, _sep, value = request.POST.get("action", "").partition(":")
    if kind in TEXT_KINDS:
        value = request.POST.get("text", "")
    query = request.POST.get("query", "")
    capped = False
    if request.POST.get("scope") == "all":
        ids, capped = _matching_ids(request, query)
        if not request.POST.get("confirmed"):
            try:  # a bad choice is said now, not after the agent confirmed the number
                if kind != BulkKind.MERGE:
                    prepare(kind=kind, value=value, actor=request.user)
            except ServiceError as error:
                failed = {"nav": "queue", "error": error.message, "query": query}
                return render(request, "tickets/queue/bulk_error.html", failed, status=UNPROCESSABLE)
            context = {
                "nav": "queue",
                "count": len(ids),
                "capped": capped,
                "kind_label": BulkKind(kind).label if kind in BulkKind.values else "",
                "action": request.POST.get("action", ""),
                "text": request.POST.get("text", ""),
                "query": query,
            }
            return render(request, "tickets/queue/bulk_confirm.html", context)
    else:
        ids = _selected_ids(request)
    try:
        outcome = bulk_apply(actor=request.user, ticket_ids=ids, kind=kind, value=value)
    except ServiceError as error:
        context = {"nav": "queue", "error": error.message, "query": query}
        return render(request, "tickets/queue/bulk_error.html", context, status=UNPROCESSABLE)
    assert outcome.action is not None
    return redirect("tickets:bulk_summary", pk=outcome.action.pk)


@staff_view()
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(BulkAction, pk=pk, actor_id=request.user.pk)
    changed = [format_reference(int(ticket_pk)) for ticket_pk in action.changes]
    context = {
        "nav": "queue",
        "action": action,
        "changed": changed,
        "unchanged_count": max(0, action.selected - len(changed) - len(action.refused)),
        "refused": action.refused,
        "undoable": last_undoable(request.user) == action,
        "undo_minutes": settings.BULK_UNDO_MINUTES,
        "is_merge": action.kind == BulkKind.MERGE,
        "is_macro": action.kind == BulkKind.MACRO,
        "is_team": action.kind == BulkKind.TEAM,
    }
    return render(request, "tickets/queue/bulk_summary.html", context)


@staff_view()
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        outcome = bulk_undo(action_id=pk, actor=request.user)
    except ServiceError as error:
        failed = {"nav": "queue", "error": error.message, "query": ""}
        return render(request, "tickets/queue/bulk_error.html", failed, status=UNPROCESSABLE)
    context: dict[str, Any] = {
        "nav": "queue",
        "action": outcome.action,
        "restored": outcome.changed,
        "refused": outcome.refused,
        "title": _("Bulk action undone"),
    }
    return render(request, "tickets/queue/bulk_undone.html", context)
