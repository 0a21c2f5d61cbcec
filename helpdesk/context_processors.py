from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import roles


def workspace(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    is_agent, is_supervisor = roles.is_agent(user), roles.is_supervisor(user)
    return {
        "is_agent": is_agent,
        "is_supervisor": is_supervisor,
        "agent_languages": [(code, name) for code, name in settings.LANGUAGES if code in settings.AGENT_LANGUAGES],
        "topbar_key": _topbar_key(user, is_supervisor) if is_agent else None,
    }


def _topbar_key(user: Any, is_supervisor: bool) -> tuple[object, ...]:
    """What the agents' top bar shows of its reader (templates/base.html), as its fragment's key."""
    profile = getattr(user, "agent_profile", None)
    team_and_tier = (profile.team_name or "", profile.tier or "") if profile is not None else ("", "")
    return (
        user.pk,
        user.get_full_name(),
        user.get_username(),
        user.email,
        *team_and_tier,
        is_supervisor,
        user.is_staff,
    )
