"""Saved views from the queue's sidebar: save the current filters, rename, delete, share with a team.
The sidebar itself (its entries and counts) is built by `queue_sidebar_context` for the queue page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.decorators import staff_view
from helpdesk.errors import NotFound, ServiceError
from helpdesk.htmx import htmx_redirect, is_htmx

from .. import selectors
from ..models import SavedView, Team
from ..queue_columns import COLUMNS, parse_columns
from ..services import saved_views as service
from ..sidebar import queue_sidebar, saved_views_visible_to

QUEUE_PARAMS = ("view", "q", "cols", "sort", "size")


def _can_edit(user: Any, view: SavedView) -> bool:
    try:
        service.ensure_can_edit(user, view)
    except ServiceError:
        return False
    return True


def queue_sidebar_context(
    request: HttpRequest, *, view: str, labels: dict[str, Any], categories: list[Any], agents: list[Any]
) -> dict[str, Any]:
    """What the queue page adds for saved views: the columns shown, and (on a full page) the sidebar."""
    user = request.user
    context: dict[str, Any] = {
        "columns": parse_columns(request.GET.getlist("cols")),
        "column_choices": list(COLUMNS.items()),
    }
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("saved", None)
    context["current_query"] = query.urlencode()
    context["sidebar"] = queue_sidebar(
        user,
        labels=labels,
        current_view=view,
        current_saved=request.GET.get("saved", ""),
        categories=categories,
        agents=agents,
        can_edit=_can_edit,
    )
    context["may_share"] = service.supervises(user, selectors.user_team_id(user))
    return context


def _back(request: HttpRequest, url: str | None = None) -> HttpResponse:
    url = url or reverse("tickets:queue")
    return htmx_redirect(url) if is_htmx(request) else redirect(url)


def _submitted_query(request: HttpRequest) -> QueryDict:
    """The queue's parameters: the filter form's fields sent along (htmx), else the page's query."""
    if "view" in request.POST:
        return request.POST
    return QueryDict(request.POST.get("query", ""))


@staff_view()
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    try:
        spec = service.view_spec_from_query(user=request.user, data=_submitted_query(request))
        view = service.saved_view_create(owner=request.user, name=request.POST.get("name", ""), spec=spec)
    except ServiceError as error:
        messages.error(request, error.message)
        return _back(request)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return _back(request, view.get_absolute_url())


def _visible_view(request: HttpRequest, pk: int) -> SavedView:
    return get_object_or_404(saved_views_visible_to(request.user), pk=pk)


@staff_view()
@require_POST
def rename(request: HttpRequest, pk: int) -> HttpResponse:
    view = _visible_view(request, pk)
    try:
        service.saved_view_rename(view=view, actor=request.user, name=request.POST.get("name", ""))
    except NotFound as error:
        raise Http404(error.message) from error
    except ServiceError as error:
        messages.error(request, error.message)
        return _back(request)
    messages.success(request, _("View renamed."))
    return _back(request, view.get_absolute_url())


@staff_view()
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = _visible_view(request, pk)
    try:
        service.saved_view_delete(view=view, actor=request.user)
    except NotFound as error:
        raise Http404(error.message) from error
    except ServiceError as error:
        messages.error(request, error.message)
        return _back(request)
    messages.success(request, _("View deleted."))
    return _back(request)


@staff_view()
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share an own view with the actor's team, or (`unshare`) take it back."""
    view = _visible_view(request, pk)
    team = None
    if "unshare" not in request.POST:
        team = Team.objects.filter(pk=selectors.user_team_id(request.user) or 0).first()
        if team is None:
            messages.error(request, _("You can share a view only with a team you supervise."))
            return _back(request)
    try:
        service.saved_view_share(view=view, actor=request.user, team=team)
    except NotFound as error:
        raise Http404(error.message) from error
    except ServiceError as error:
        messages.error(request, error.message)
        return _back(request)
    messages.success(request, _("View shared with your team.") if team else _("View no longer shared."))
    return _back(request, view.get_absolute_url())
