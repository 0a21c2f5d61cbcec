"""Which tickets a staff member may see: their team's, and any assigned to them; admins see all.
Customers and orders follow their tickets: staff see those of the tickets they may see."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from helpdesk import roles

RowT = TypeVar("RowT", bound=Model)


def ticket_scope(user: Any) -> tuple[str, int, int]:
    """What a user's ticket filter depends on: its kind ("all"; "own", the tickets assigned to them;
    "team", those and their team's), their id and their team's id (0 when none)."""
    if roles.is_admin(user) or roles.holds(user, roles.SEE_ALL_TICKETS):
        return "all", user.pk, 0
    profile = getattr(user, "agent_profile", None)
    team_id = profile.team_id if profile is not None else None
    return ("own", user.pk, 0) if team_id is None else ("team", user.pk, team_id)


def statement_shape(user: Any) -> tuple[object, ...]:
    """All of a user that the queue's statements are built from: their scope, team and roles
    (helpdesk/kept_sql.py keeps statements by it)."""
    profile = getattr(user, "agent_profile", None)
    team_id = profile.team_id if profile is not None else None
    return (ticket_scope(user), team_id, roles.is_admin(user), roles.is_supervisor(user))


def scope_q(kind: str, user_id: int, team_id: int, prefix: str = "") -> Q | None:
    """The filter of a kind of scope (see ticket_scope), or None when it lets every ticket through."""
    if kind == "all":
        return None
    scope = Q(**{f"{prefix}assignee_id": user_id})
    if kind == "team":
        scope |= Q(**{f"{prefix}team_id": team_id})
    return scope


def within_scope(tickets: QuerySet[RowT], kind: str, user_id: int, team_id: int) -> QuerySet[RowT]:
    """The tickets of a kind of scope (see ticket_scope) among `tickets`."""
    visible = scope_q(kind, user_id, team_id)
    return tickets if visible is None else tickets.filter(visible)


def ticket_scope_q(user: Any, prefix: str = "") -> Q | None:
    """A filter for the tickets the user may see, or None when they may see all of them."""
    return scope_q(*ticket_scope(user), prefix=prefix)


def through_visible_tickets(queryset: QuerySet[RowT], user: Any, ticket_field: str) -> QuerySet[RowT]:
    """The rows of `queryset` (customers, orders) that a ticket the user may see points to through
    `ticket_field` ("customer", "order"); all of them for those who see every ticket. One EXISTS
    per row, read through the ticket table's index on that field: no join, no duplicates."""
    scope = ticket_scope_q(user)
    if scope is None:
        return queryset
    from .models import Ticket

    tickets = Ticket.objects.filter(scope, **{ticket_field: OuterRef("pk")})
    return queryset.filter(Exists(tickets))


def can_see_ticket(user: Any, ticket: Any) -> bool:
    if not roles.is_agent(user):
        return False
    if roles.is_admin(user) or roles.holds(user, roles.SEE_ALL_TICKETS):
        return True
    profile = getattr(user, "agent_profile", None)
    return ticket.assignee_id == user.pk or (profile is not None and profile.team_id == ticket.team_id)
