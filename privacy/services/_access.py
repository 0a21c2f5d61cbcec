from __future__ import annotations

from typing import Any

from helpdesk import roles


def require_data_officer(actor: Any) -> None:
    """A customer's data is exported or erased by a supervisor or an admin; None is the system (a
    management command run on the server, a sweep)."""
    if actor is not None:
        roles.require(actor, roles.SUPERVISE)
