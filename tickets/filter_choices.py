"""The choices of the queue's filter form that come from the database: the active categories, named
in the agent's language, and the agents of their team. Read as (id, name) pairs through kept
statements (helpdesk/prepared.py), not as model instances: the queue, its live rows, bulk actions
and saved views build this form on every request."""

from __future__ import annotations

from typing import Any, NamedTuple

from helpdesk.prepared import Prepared

from . import selectors
from .models import Category
from .queue_columns import first_text, translated


class Choice(NamedTuple):
    pk: int
    name: str


_CATEGORIES = Prepared(  # the SQL is kept per language
    lambda: (
        Category.objects.rewrite(False)
        .filter(is_active=True)
        .order_by("position", "slug")
        .values_list("pk", *translated("name"))
    )
)
_AGENTS = Prepared(
    lambda team_id: selectors.team_agents_queryset(team_id).values_list("pk", "first_name", "last_name", "username"),
    team_id=int,
)


def categories() -> list[Choice]:
    """The active categories, each named in the active language, else in English (as modeltranslation falls back)."""
    return [Choice(pk, first_text(names)) for pk, *names in _CATEGORIES.rows()]


def agents(user: Any) -> list[Choice]:
    """The agents a ticket of the user's team can be assigned to, by full name, else username."""
    team_id = selectors.user_team_id(user)
    if team_id is None:
        return []
    rows = _AGENTS.rows(team_id=team_id)
    return [Choice(pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows]
