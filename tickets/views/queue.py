"""The queue: views (mine, unassigned, my team, all), filters, search and keyset pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from helpdesk import roles
from helpdesk.decorators import staff_view
from helpdesk.htmx import htmx_redirect, is_htmx, vary_on_htmx, wants_fragment
from helpdesk.kept_sql import capped_text, read_rows

from .. import selectors, waiting
from ..models import parse_reference
from ..queue_choices import queue_choices
from ..queue_columns import parse_columns, render_rows
from ..queue_filter import QueueFilter
from ..references import reference_elsewhere
from . import bulk
from .saved_views import queue_sidebar_context

VIEW_LABELS = {
    selectors.VIEW_MINE: _("Mine"),
    selectors.VIEW_UNASSIGNED: _("Unassigned"),
    selectors.VIEW_TEAM: _("My team"),
    selectors.VIEW_ALL: _("All"),
}
PAGE_SIZES = (10, 25, 50, 100)


def _page_size(raw: str | None) -> int:
    try:
        size = int(raw or selectors.DEFAULT_PAGE_SIZE)
    except ValueError:
        return selectors.DEFAULT_PAGE_SIZE
    return max(5, min(size, selectors.MAX_PAGE_SIZE))


def _query(request: HttpRequest, **changes: Any) -> str:
    """The current query string with some parameters replaced (None drops one), the replaced ones last."""
    pairs = [(key, value) for key, values in request.GET.lists() if key not in changes for value in values]
    pairs.extend((key, value) for key, value in changes.items() if value not in (None, ""))
    return urlencode(pairs)


def _jump_to_reference(request: HttpRequest, text: str) -> HttpResponse | None:
    """A search for a reference such as HD-000123 opens that ticket, if the user may see it."""
    pk = parse_reference(text)
    if pk is None:
        return None
    try:
        ticket = selectors.ticket_for_user(request.user, pk)
    except Http404:
        return None
    url = ticket.get_absolute_url()
    return htmx_redirect(url) if is_htmx(request) else redirect(url)


def _meta_key(context: dict[str, Any], now: Any) -> tuple[object, ...]:
    """Everything the line of counts above the rows shows, as its fragment's key (the longest wait
    as shown: timesince counts whole minutes)."""
    since = context["longest_conversation_since"]
    return (
        context["page"].waiting,
        context["waiting"],
        context["waiting_by_team"],
        [(row.channel, row.count, row.label, row.count_text) for row in context["conversations_waiting"]],
        (since, (now - since).total_seconds() // 60) if since else None,
        context["reference_elsewhere"],
    )


def _page_and_waits(
    request: HttpRequest, view: str, form: QueueFilter, sidebar: dict[str, Any]
) -> tuple[selectors.QueuePage, list[waiting.ChannelWaiting]]:
    """The page of tickets and the conversations waiting, read with the sidebar's counts (which it
    puts in) in one round trip."""
    waits = waiting.channel_waits(request.user)
    page = selectors.queue_tickets(
        request.user,
        view,
        form.filters(),
        cursor=request.GET.get("cursor", ""),
        page_size=_page_size(request.GET.get("size")),
        sort=form.sort or selectors.DEFAULT_SORT,
        alongside=(sidebar["sidebar"].counts if sidebar else None, waits.read.statement if waits.read else None),
    )
    counts, waits_found = page.alongside
    if sidebar:
        sidebar["sidebar"].take_counts(counts)
    return page, waits.of(read_rows(waits.read, waits_found))


@staff_view()
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    views = selectors.queue_views_for(user)
    view = selectors.chosen_view(user, request.GET.get("view"))
    team_id = selectors.user_team_id(user)
    choices = queue_choices(user)
    form = QueueFilter(request.GET, choices.categories, choices.agents)
    filters = form.filters()
    if filters.q and (jump := _jump_to_reference(request, filters.q)):
        return jump
    fragment_only = wants_fragment(request)  # htmx asks for the results alone: no sidebar
    sidebar = (
        {}
        if fragment_only
        else queue_sidebar_context(
            request, view=view, labels=VIEW_LABELS, categories=form.categories, agents=form.agents
        )
    )
    page, conversations = _page_and_waits(request, view, form, sidebar)
    longest = min((row.longest_since for row in conversations if row.longest_since), default=None)
    now = timezone.now()
    context = {
        "nav": "queue",
        "now": now,
        "form": form,
        "view": view,
        "tabs": [(key, str(VIEW_LABELS[key]), _query(request, view=key, cursor=None)) for key in views],
        "page": page,
        "waiting": capped_text(page.waiting, page.waiting_capped),
        "conversations_waiting": conversations,
        "longest_conversation_since": longest,
        "is_first_page": not request.GET.get("cursor"),
        "next_query": _query(request, view=view, cursor=page.next_cursor) if page.next_cursor else "",
        "first_query": _query(request, view=view, cursor=None),
        "show_team": view == selectors.VIEW_ALL or roles.is_admin(user),
        "waiting_by_team": [
            (name, capped_text(count, capped)) for name, count, capped in selectors.waiting_by_team(user)
        ]
        if roles.is_supervisor(user)
        else [],
        "page_sizes": PAGE_SIZES,
        "oob_tabs": fragment_only,
        **bulk.bar_context(choices),
        "live_streams": [f"queue:team:{team_id}"] if team_id else [],  # the live page watches its team's queue
        "reference_elsewhere": reference_elsewhere(user, filters.q) if filters.q else "",
        **sidebar,
    }
    if fragment_only:
        context["columns"] = parse_columns(request.GET.getlist("cols"))
    context["meta_key"] = _meta_key(context, now)
    context["rows"] = render_rows(page.tickets, now, context["columns"], context["show_team"])
    template = "tickets/queue/_results.html" if context["oob_tabs"] else "tickets/queue/page.html"
    return vary_on_htmx(render(request, template, context))
