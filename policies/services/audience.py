"""Who decides and who is told: supervisors of a team, all supervisors, admins."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from helpdesk import roles
from tickets.scope import can_see_ticket
from workspace.live.streams import publish

from ..models import CompensationRequest


def _supervise_permission() -> Permission:
    app_label, codename = roles.SUPERVISE.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def supervisors(*, team_id: int | None = None, with_admins: bool = False) -> QuerySet[Any]:
    """Active supervisors (of one team when given); with admins too when asked."""
    permission = _supervise_permission()
    holds = Q(groups__permissions=permission) | Q(user_permissions=permission)
    if team_id is not None:
        holds &= Q(agent_profile__team_id=team_id)
    if with_admins:
        holds |= Q(is_superuser=True)
    users = get_user_model().objects.filter(is_active=True).filter(holds)
    return get_user_model().objects.filter(pk__in=users.values("pk")).select_related("agent_profile")


def may_decide_scope(user: Any, request: CompensationRequest) -> bool:
    """A supervisor decides requests on tickets they can see; once escalated, any supervisor."""
    return roles.is_supervisor(user) and (request.escalated_at is not None or can_see_ticket(user, request.ticket))


def staff_language(user: Any) -> str:
    profile = getattr(user, "agent_profile", None)
    return profile.ui_language if profile is not None and profile.ui_language else "en"


def staff_time_zone(user: Any) -> str:
    """Their profile's zone; empty (the support centre's) without a profile."""
    profile = getattr(user, "agent_profile", None)
    return profile.time_zone if profile is not None else ""


APPROVALS_STREAM = "approvals:all"


def approvals_changed(request: CompensationRequest) -> None:
    """Supervisors' approvals pages refresh: a request waits, or was decided. One stream for all
    (an escalated request is any supervisor's); each page shows only what its reader may decide."""
    publish(APPROVALS_STREAM, "request", {"request": request.pk, "state": str(request.state)})


def may_watch_approvals(user: Any, rest: str) -> bool:
    return rest == "all" and roles.is_supervisor(user)
