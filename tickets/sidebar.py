"""The queue's sidebar of views: the built-in ones, the agent's own saved views and their team's shared
ones, each with its count of waiting tickets. Two queries whatever the number of views: the saved views,
then one statement holding a capped COUNT subquery per view (each a LIMIT over an open-tickets index)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.formats import number_format

from . import selectors
from .forms import QueueFilterForm
from .models import SavedView, Ticket

SIDEBAR_VIEWS = 25  # per group (own, team): the services keep no more than this anyway


@dataclass
class SidebarEntry:
    label: str
    url_query: str
    count: int | None = None
    capped: bool = False
    saved: SavedView | None = None
    editable: bool = False
    current: bool = False

    @property
    def count_text(self) -> str:
        if self.count is None:
            return ""
        text = number_format(self.count, force_grouping=True)
        return f"{text}+" if self.capped else text

    @property
    def key(self) -> tuple[object, ...]:
        saved = self.saved
        shared = (saved.pk, saved.team_id) if saved is not None else None
        return (self.label, self.url_query, self.count, self.capped, shared, self.editable, self.current)


@dataclass
class Sidebar:
    built_in: list[SidebarEntry]
    own: list[SidebarEntry]
    team: list[SidebarEntry]

    @property
    def key(self) -> tuple[object, ...]:
        """Everything the sidebar shows, as its rendered fragment's key."""
        return tuple(tuple(entry.key for entry in group) for group in (self.built_in, self.own, self.team))


def saved_views_visible_to(user: Any) -> QuerySet[SavedView]:
    """The user's own views and those shared with their team."""
    team_id = selectors.user_team_id(user)
    visible = Q(owner_id=user.pk, team__isnull=True)
    if team_id is not None:
        visible |= Q(team_id=team_id)
    return SavedView.objects.filter(visible).order_by("position", "id")


def _filters(view: SavedView, categories: list[Any], agents: list[Any]) -> selectors.QueueFilters:
    data = QueryDict(mutable=True)
    for key, value in view.filters.items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = str(value)
    return QueueFilterForm(data, categories=categories, agents=agents).filters()


def counts_capped(querysets: list[QuerySet[Ticket]], cap: int = selectors.WAITING_CAP) -> list[tuple[int, bool]]:
    """count_capped for many querysets in one query: a capped COUNT subquery each."""
    if not querysets:
        return []
    parts: list[str] = []
    params: list[Any] = []
    for i, tickets in enumerate(querysets):
        try:
            sql, sql_params = tickets.order_by().values("pk")[: cap + 1].query.sql_with_params()
        except EmptyResultSet:
            parts.append("0")
            continue
        # the SQL is Django's own compiled query; values travel as parameters
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{i})")  # noqa: S608
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return [(min(int(count), cap), int(count) > cap) for count in row]


def queue_sidebar(
    user: Any,
    *,
    labels: dict[str, Any],
    current_view: str,
    current_saved: str,
    categories: list[Any],
    agents: list[Any],
    can_edit: Any,
) -> Sidebar:
    """The sidebar's entries with their counts; `can_edit(user, view)` says who may change a saved view."""
    available = selectors.queue_views_for(user)
    built_in = [
        SidebarEntry(label=str(labels[key]), url_query=f"view={key}", current=key == current_view and not current_saved)
        for key in available
    ]
    counted: list[tuple[SidebarEntry, QuerySet[Ticket] | None]] = [
        (entry, selectors.queue_waiting(user, key, selectors.QueueFilters()))
        for entry, key in zip(built_in, available, strict=True)
    ]
    own: list[SidebarEntry] = []
    team: list[SidebarEntry] = []
    for view in list(saved_views_visible_to(user)[: SIDEBAR_VIEWS * 2]):
        group = team if view.team_id is not None else own
        if len(group) >= SIDEBAR_VIEWS:
            continue
        entry = SidebarEntry(
            label=view.name,
            url_query=view.query(),
            saved=view,
            editable=can_edit(user, view),
            current=current_saved == str(view.pk),
        )
        group.append(entry)
        base = view.base if view.base in available else selectors.default_queue_view(user)
        counted.append((entry, selectors.queue_waiting(user, base, _filters(view, categories, agents))))
    counted = [(entry, tickets) for entry, tickets in counted if tickets is not None]
    counts = counts_capped([tickets for _entry, tickets in counted if tickets is not None])
    for (entry, _tickets), (count, capped) in zip(counted, counts, strict=True):
        entry.count, entry.capped = count, capped
    return Sidebar(built_in=built_in, own=own, team=team)
