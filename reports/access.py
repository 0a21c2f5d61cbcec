"""Who sees which figures, and the filters every figure applies.

- An administrator (superuser) sees every team and may filter by any of them.
- Anyone else holding VIEW_REPORTS (supervisors) sees their own team only: the team filter is
  forced to it.
- Any other agent sees their own figures only: the agent filter is forced to themselves (the
  tickets assigned to them, the surveys of the tickets they solved, the compensation they asked for).
- Everyone else is refused (403); anonymous visitors are sent to the login page by the views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from helpdesk import roles

from .periods import Period


@dataclass(frozen=True)
class Access:
    user_id: int
    all_teams: bool = False
    team_id: int | None = None  # a supervisor's team
    personal: bool = False  # an agent's own figures

    @property
    def may_choose_team(self) -> bool:
        return self.all_teams

    @property
    def may_choose_agent(self) -> bool:
        return not self.personal


def access_for(user: Any) -> Access:
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied
    if roles.is_admin(user):
        return Access(user_id=user.pk, all_teams=True)
    profile = getattr(user, "agent_profile", None)
    team_id = profile.team_id if profile is not None else None
    if roles.holds(user, roles.VIEW_REPORTS) and team_id is not None:
        return Access(user_id=user.pk, team_id=team_id)
    if roles.is_agent(user):
        return Access(user_id=user.pk, personal=True)
    raise PermissionDenied


# Where each dimension lives on the rows a figure reads (None: that figure ignores the dimension).
Paths = Mapping[str, str | None]
TICKET_PATHS: dict[str, str] = {
    "team": "team_id",
    "agent": "assignee_id",
    "category": "category_id",
    "country": "customer__country",
    "channel": "channel",
}


@dataclass(frozen=True)
class ReportFilters:
    access: Access
    period: Period
    step: str = "day"
    team_id: int | None = None
    agent_id: int | None = None
    category_id: int | None = None
    country: str = ""
    channel: str = ""
    now: datetime = field(default_factory=timezone.now)

    @property
    def effective_team_id(self) -> int | None:
        return self.access.team_id if self.access.team_id is not None else self.team_id

    @property
    def effective_agent_id(self) -> int | None:
        return self.access.user_id if self.access.personal else self.agent_id

    def values(self) -> dict[str, Any]:
        return {
            "team": self.effective_team_id,
            "agent": self.effective_agent_id,
            "category": self.category_id,
            "country": self.country,
            "channel": self.channel,
        }

    def q(self, paths: Paths) -> Q:
        """The scope and filters as a condition on rows whose dimensions live at `paths`."""
        condition = Q()
        for name, value in self.values().items():
            path = paths.get(name)
            if path is None and self._is_scope(name):
                raise ValueError(f"a figure must apply the viewer's scope ({name})")
            if path is None or value in (None, ""):
                continue
            condition &= Q(**{path: value})
        return condition

    def _is_scope(self, name: str) -> bool:
        return (name == "team" and self.access.team_id is not None) or (name == "agent" and self.access.personal)

    def tickets_q(self) -> Q:
        return self.q(TICKET_PATHS)
