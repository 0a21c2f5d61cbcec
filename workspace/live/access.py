"""Who may watch which live stream. The apps that own the streams say so from their
`AppConfig.ready()` (the workspace knows nothing of tickets or approvals):

    register_stream_access("ticket", lambda user, rest: ...)   # rest: "12" of "ticket:12"

A stream whose kind nobody registered is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpdesk import roles

from .streams import STREAM_NAME

AccessCheck = Callable[[Any, str], bool]

_checks: dict[str, AccessCheck] = {}


def register_stream_access(kind: str, check: AccessCheck) -> None:
    _checks[kind] = check


def _own_user_stream(user: Any, rest: str) -> bool:
    return rest == str(user.pk)


register_stream_access("user", _own_user_stream)


def may_watch(user: Any, stream: str) -> bool:
    """Whether this signed-in staff member may subscribe to the stream (runs database queries)."""
    if not roles.is_agent(user) or len(stream) > 90 or not STREAM_NAME.match(stream):
        return False
    kind, _sep, rest = stream.partition(":")
    check = _checks.get(kind)
    return bool(check and check(user, rest))


def ticket_of(stream: str) -> int | None:
    """The ticket a `ticket:<id>` stream is about."""
    kind, _sep, rest = stream.partition(":")
    return int(rest) if kind == "ticket" and rest.isdigit() else None
