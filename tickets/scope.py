"""Which tickets a staff member may see: their team's, and any assigned to them; admins see all."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from helpdesk import roles


def ticket_scope_q(user: Any, prefix: str = "") -> Q | None:
    """A filter for the tickets the user may see, or None when they may see all of them."""
    if roles.is_admin(user) or user.has_perm(roles.SEE_ALL_TICKETS):
        return None
    profile = getattr(user, "agent_profile", None)
    team_id = profile.team_id if profile is not None else None
    scope = Q(**{f"{prefix}assignee": user})
    if team_id is not None:
        scope |= Q(**{f"{prefix}team_id": team_id})
    return scope


def can_see_ticket(user: Any, ticket: Any) -> bool:
    if not roles.is_agent(user):
        return False
    if roles.is_admin(user) or user.has_perm(roles.SEE_ALL_TICKETS):
        return True
    profile = getattr(user, "agent_profile", None)
    return ticket.assignee_id == user.pk or (profile is not None and profile.team_id == ticket.team_id)
