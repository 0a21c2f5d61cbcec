"""The queue's sidebar of views: the built-in ones, the agent's own saved views and their team's shared
ones, each with its count of waiting tickets. Two queries whatever the number of views: the saved views,
then one statement holding a capped COUNT subquery per view (each a LIMIT over an open-tickets index).

That statement is written by the ORM once per process for each set of what it depends on (the user's
scope and roles, the views and their stored filters, the categories and agents a filter may name,
the language) and kept, as helpdesk/prepared.py keeps the SQL of other reads.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import get_language

from helpdesk.kept_sql import KeptStatements, Statement, capped_counts, capped_text, read_capped
from helpdesk.prepared import Prepared

from . import selectors
from .forms import QueueFilterForm
from .models import SavedView
from .scope import statement_shape

SIDEBAR_VIEWS = 25  # per group (own, team): the services keep no more than this anyway
_statements = KeptStatements()


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
        return capped_text(self.count, self.capped)

    @property
    def key(self) -> tuple[object, ...]:
        saved = self.saved
        shared = (saved.pk, saved.team_id) if saved is not None else (None, None)
        return (self.label, self.url_query, self.count, self.capped, *shared, self.editable, self.current)


@dataclass
class Sidebar:
    built_in: list[SidebarEntry]
    own: list[SidebarEntry]
    team: list[SidebarEntry]
    counts: Statement = None  # the statement counting the entries: read with the queue's page
    counted: tuple[int, ...] = ()  # which of `entries` it counts
    entries: list[SidebarEntry] = field(default_factory=list)  # built-in, then saved as read

    def take_counts(self, found: list[tuple[Any, ...]]) -> None:
        """Each counted entry's count, from the rows the counts statement gave."""
        counts = read_capped(self.counts, selectors.WAITING_CAP, found)
        for i, (count, capped) in zip(self.counted, counts, strict=True):
            self.entries[i].count, self.entries[i].capped = count, capped

    @property
    def key(self) -> tuple[object, ...]:
        """Everything the sidebar shows, as its rendered fragment's key."""
        return tuple(tuple(entry.key for entry in group) for group in (self.built_in, self.own, self.team))


def _visible(in_team: bool, owner_id: int, team_id: int) -> QuerySet[SavedView]:
    visible = Q(owner_id=owner_id, team__isnull=True)
    if in_team:
        visible |= Q(team_id=team_id)
    return SavedView.objects.filter(visible).order_by("position", "id")


_SHOWN = Prepared(lambda in_team, **ids: _visible(in_team, **ids)[: SIDEBAR_VIEWS * 2], owner_id=int, team_id=int)


def saved_views_visible_to(user: Any) -> QuerySet[SavedView]:
    """The user's own views and those shared with their team."""
    team_id = selectors.user_team_id(user)
    return _visible(team_id is not None, user.pk, team_id or 0)


def _filters(view: SavedView, categories: list[Any], agents: list[Any]) -> selectors.QueueFilters:
    data = QueryDict(mutable=True)
    for key, value in view.filters.items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = str(value)
    return QueueFilterForm(data, categories=categories, agents=agents).filters()


def _statement_key(
    user: Any, available: list[str], views: list[SavedView], categories: list[Any], agents: list[Any]
) -> Hashable:
    """Everything the counts statement's SQL and parameters are made of."""
    return (
        get_language(),
        statement_shape(user),
        tuple(available),
        tuple((view.base, json.dumps(view.filters, sort_keys=True)) for view in views),
        tuple(category.pk for category in categories),
        tuple(agent.pk for agent in agents),
    )


def _counts_statement(
    user: Any, available: list[str], views: list[SavedView], categories: list[Any], agents: list[Any]
) -> tuple[tuple[int, ...], Statement]:
    """Which of the entries (built-in views, then saved ones) have a count, and the statement counting them.
    Not kept when a view filters by tag: the tag's id is looked up while the statement is built."""

    def build() -> tuple[tuple[int, ...], Statement]:
        waiting = [selectors.queue_waiting(user, view, selectors.QueueFilters()) for view in available]
        for view in views:
            base = view.base if view.base in available else selectors.default_queue_view(user)
            waiting.append(selectors.queue_waiting(user, base, _filters(view, categories, agents)))
        found = [(i, tickets) for i, tickets in enumerate(waiting) if tickets is not None]
        counted = tuple(i for i, _tickets in found)
        return counted, capped_counts([tickets for _i, tickets in found], selectors.WAITING_CAP)

    by_tag = any(view.filters.get("tag") for view in views)
    return _statements.get(None if by_tag else _statement_key(user, available, views, categories, agents), build)


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
    """The sidebar's entries, and the statement counting them (Sidebar.take_counts() puts in what it
    reads); `can_edit(user, view)` says who may change a saved view."""
    available = selectors.queue_views_for(user)
    built_in = [
        SidebarEntry(label=str(labels[key]), url_query=f"view={key}", current=key == current_view and not current_saved)
        for key in available
    ]
    own: list[SidebarEntry] = []
    team: list[SidebarEntry] = []
    shown: list[SavedView] = []
    entries = list(built_in)
    team_id = selectors.user_team_id(user)
    for view in _SHOWN.objects(shape=team_id is not None, owner_id=user.pk, team_id=team_id or 0):
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
        shown.append(view)
        entries.append(entry)
    counted, statement = _counts_statement(user, available, shown, categories, agents)
    return Sidebar(built_in=built_in, own=own, team=team, counts=statement, counted=counted, entries=entries)
