"""Which ticket streams of the live pages a staff member may watch (registered from
TicketsConfig.ready()): a ticket's stream as its page, a team's queue as its queue shows it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from helpdesk import roles

from .models import Ticket
from .scope import can_see_ticket


def may_watch_ticket(user: Any, rest: str) -> bool:
    if not rest.isdigit():
        return False
    ticket = Ticket.objects.filter(pk=int(rest)).only("pk", "team_id", "assignee_id").first()
    return ticket is not None and can_see_ticket(user, ticket)


def may_watch_queue(user: Any, rest: str) -> bool:
    """`queue:team:<id>`: their own team's, or any team's for those who see every ticket."""
    kind, _sep, team = rest.partition(":")
    if kind != "team" or not team.isdigit():
        return False
    if roles.is_admin(user) or roles.holds(user, roles.SEE_ALL_TICKETS):
        return True
    return get_user_model().objects.filter(Q(pk=user.pk) & Q(agent_profile__team_id=int(team))).exists()
