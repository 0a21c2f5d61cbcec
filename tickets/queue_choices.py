"""What the queue page offers to choose from, read in one statement: its filter's categories and
agents (as tickets/filter_choices.py reads them one by one) and the bulk bar's teams and macros."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import CharField, F, QuerySet, Value, Window
from django.db.models.functions import Cast, RowNumber

from helpdesk.prepared import Prepared

from . import selectors
from .filter_choices import Choice
from .models import Category, Team
from .queue_columns import first_text, translated
from .services.macros import macros_of


class QueueChoices(NamedTuple):
    """What the queue page offers to choose from: its filter's categories and agents, and the bulk
    bar's teams and macros."""

    categories: list[Choice]
    agents: list[Choice]
    teams: list[Choice]
    macros: list[Choice]


CATEGORIES, AGENTS, TEAMS, MACROS = range(4)


def _ranked(queryset: QuerySet[Any], kind: int, names: tuple[str, ...]) -> QuerySet[Any]:
    """The queryset's rows as (kind, rank in its own order, pk, three names as text): a part of a union."""
    names_ordered = [str(name) for name in queryset.query.order_by]  # field names, "-" for descending
    ordering = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in names_ordered]
    padded = [F(name) for name in names] + [Value("")] * (3 - len(names))
    columns = {f"c_n{i}": Cast(value, CharField()) for i, value in enumerate(padded, start=1)}
    ranked = queryset.annotate(c_kind=Value(kind), c_rank=Window(RowNumber(), order_by=ordering), **columns)
    return ranked.order_by().values_list("c_kind", "c_rank", "pk", "c_n1", "c_n2", "c_n3")


def _queue_choices(in_team: bool, team_id: int, user_id: int) -> QuerySet[Any]:
    categories = Category.objects.rewrite(False).filter(is_active=True).order_by("position", "slug")
    macros: Any = macros_of(user_id, team_id if in_team else None)  # a translated model's queryset
    parts = [
        _ranked(categories, CATEGORIES, translated("name")),
        _ranked(Team.objects.order_by("name"), TEAMS, ("name",)),
        _ranked(macros.rewrite(False), MACROS, ("name",)),
    ]
    if in_team:
        parts.append(_ranked(selectors.team_agents_queryset(team_id), AGENTS, ("first_name", "last_name", "username")))
    first, *rest = parts
    return first.union(*rest, all=True).order_by("c_kind", "c_rank")


_QUEUE_CHOICES = Prepared(_queue_choices, team_id=int, user_id=int)


def queue_choices(user: Any) -> QueueChoices:
    """The four lists in one statement (a union, each part ranked by its own order)."""
    team_id = selectors.user_team_id(user)
    lists: list[list[Choice]] = [[], [], [], []]
    for kind, _rank, pk, *names in _QUEUE_CHOICES.rows(
        shape=team_id is not None, team_id=team_id or 0, user_id=user.pk
    ):
        if kind == AGENTS:
            first, last, username = names
            lists[kind].append(Choice(pk, f"{first} {last}".strip() or username))
        else:
            lists[kind].append(Choice(pk, first_text(names)))
    return QueueChoices(*lists)
