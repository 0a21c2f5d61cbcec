"""Roles are Django groups carrying permissions; services check permissions, not group names."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .errors import NotAllowed

AGENT_GROUP = "Agents"
SUPERVISOR_GROUP = "Supervisors"
ADMIN_GROUP = "Admins"
INTEGRATION_GROUP = "Integrations"

WORK_TICKETS = "tickets.work_tickets"
SUPERVISE = "tickets.supervise_team"
VIEW_REPORTS = "tickets.view_reports"
SEE_ALL_TICKETS = "tickets.see_all_tickets"

GROUP_PERMISSIONS: dict[str, list[str]] = {
    AGENT_GROUP: [WORK_TICKETS],
    SUPERVISOR_GROUP: [WORK_TICKETS, SUPERVISE, VIEW_REPORTS],
    ADMIN_GROUP: [WORK_TICKETS, SUPERVISE, VIEW_REPORTS, SEE_ALL_TICKETS],
    # A store platform's API account: creates and reads tickets of every team, decides nothing.
    INTEGRATION_GROUP: [WORK_TICKETS, SEE_ALL_TICKETS],
}


def holds(user: Any, permission: str) -> bool:
    """Whether a signed-in, active user holds the permission. The answer is kept on the user object,
    as Django keeps their permissions there once read: a page asks a dozen times, and each has_perm()
    loads every authentication backend afresh."""
    if not (user.is_authenticated and user.is_active):
        return False
    answers = getattr(user, "_helpdesk_holds", None)
    if answers is None:
        answers = user._helpdesk_holds = {}
    key = (permission, user.is_superuser)
    if key not in answers:
        answers[key] = bool(user.has_perm(permission))
    return answers[key]


def is_agent(user: Any) -> bool:
    return holds(user, WORK_TICKETS)


def is_supervisor(user: Any) -> bool:
    return holds(user, SUPERVISE)


def is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def require(user: Any, permission: str) -> None:
    """Raise NotAllowed unless the user holds the permission."""
    if not holds(user, permission):
        raise NotAllowed(_("You are not allowed to do this."))


def users_with_perm_q(permission: str) -> Any:
    """A filter on users for those holding the permission through a group or directly, or superusers."""
    from django.db.models import Q

    app_label, codename = permission.split(".")
    via_group = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return via_group | direct | Q(is_superuser=True)


def supervisor_q() -> Any:
    return users_with_perm_q(SUPERVISE)


def ensure_groups() -> None:
    """Create the role groups with their permissions if they are missing (they come with the
    migrations; a flushed database, as in transactional tests, needs them again)."""
    from django.contrib.auth.models import Group, Permission

    for group_name, perms in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
