"""The fragments a live page fetches when its websocket says something changed: one message of a
thread, a ticket's summary, properties and history, one row of a queue. Each reads a fixed number of rows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from helpdesk import roles
from helpdesk.decorators import staff_view

from .. import selectors
from ..models import Message
from ..panels import mark_messages
from ..queue_columns import parse_columns, render_rows
from ..queue_filter import QueueFilter
from . import ticket_context as ctx

NO_CONTENT = 204


@staff_view()
@require_GET
def message(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, pk)
    item = get_object_or_404(
        Message.objects.select_related("author").prefetch_related("attachments"), ticket=ticket, pk=message_pk
    )
    mark_messages([item])  # the delivery marks the other apps add (sent, read...)
    return render(request, "tickets/ticket/_message.html", {"ticket": ticket, "message": item})


@staff_view()
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """What a change of status, assignee, priority, tags... alters on the ticket page: the summary
    line, the properties panel and the history, each put in place by its id."""
    ticket = selectors.ticket_for_user(request.user, pk)
    context = {**ctx.summary_context(ticket), **ctx.properties_context(request, ticket), **ctx.history_context(ticket)}
    return render(request, "tickets/ticket/_live_changed.html", context)


@staff_view()
@require_GET
def queue_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticket's row as the queue page with these query parameters shows it; 204 when that page
    does not list it (any more), so the page drops the row."""
    user = request.user
    view = selectors.chosen_view(user, request.GET.get("view"))
    form = QueueFilter.for_user(request.GET, user)
    row = selectors.queue_row(user, view, form.filters(), pk)
    if row is None:
        return HttpResponse(status=NO_CONTENT)
    show_team = view == selectors.VIEW_ALL or roles.is_admin(user)
    columns = parse_columns(request.GET.getlist("cols"))  # as the page chose them
    return HttpResponse(render_rows([row], timezone.now(), columns, show_team))
