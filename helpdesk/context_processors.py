from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import roles


def workspace(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "is_agent": roles.is_agent(user),
        "is_supervisor": roles.is_supervisor(user),
        "agent_languages": [(code, name) for code, name in settings.LANGUAGES if code in settings.AGENT_LANGUAGES],
    }
