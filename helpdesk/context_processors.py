import secrets
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from . import roles

_INDEX = {char: i for i, char in enumerate(CSRF_ALLOWED_CHARS)}
_CHARS = frozenset(CSRF_ALLOWED_CHARS)
_SPAN = len(CSRF_ALLOWED_CHARS)
_UNBIASED = 256 - 256 % _SPAN  # random bytes below this, taken modulo the span, are uniform


def workspace(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    is_agent, is_supervisor = roles.is_agent(user), roles.is_supervisor(user)
    return {
        "is_agent": is_agent,
        "is_supervisor": is_supervisor,
        "agent_languages": [(code, name) for code, name in settings.LANGUAGES if code in settings.AGENT_LANGUAGES],
        "topbar_key": _topbar_key(user, is_supervisor) if is_agent else None,
        "live_since": timezone.localtime().isoformat() if is_agent else "",
        "csrf_token": SimpleLazyObject(lambda: masked_csrf_token(request)),
    }


def _topbar_key(user: Any, is_supervisor: bool) -> tuple[object, ...]:
    """What the agents' top bar shows of its reader (templates/base.html), as its fragment's key."""
    profile = getattr(user, "agent_profile", None)
    team_and_tier = (profile.team_name or "", profile.tier or "") if profile is not None else ("", "")
    names = (user.get_full_name(), user.get_username(), user.email)
    return (user.pk, *names, *team_and_tier, is_supervisor, user.is_staff)


def masked_csrf_token(request: HttpRequest) -> str:
    """The request's CSRF token as Django's get_token() gives it (a fresh random mask, then the secret
    shifted by it, both in CSRF_ALLOWED_CHARS; Django's middleware unmasks it), drawn from one read of
    random bytes rather than one call per character: every page's forms carry it."""
    secret = request.META.get("CSRF_COOKIE")
    if not isinstance(secret, str) or len(secret) != CSRF_SECRET_LENGTH or not _CHARS.issuperset(secret):
        return get_token(request)  # no secret yet: Django makes one and sets its cookie
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token(): the cookie's expiry is renewed
    mask = [byte % _SPAN for byte in secrets.token_bytes(2 * CSRF_SECRET_LENGTH) if byte < _UNBIASED]
    if len(mask) < CSRF_SECRET_LENGTH:  # fewer than half the bytes usable: about never
        return get_token(request)
    shifts = mask[:CSRF_SECRET_LENGTH]
    cipher = [CSRF_ALLOWED_CHARS[(_INDEX[char] + shift) % _SPAN] for char, shift in zip(secret, shifts, strict=True)]
    return "".join([CSRF_ALLOWED_CHARS[shift] for shift in shifts]) + "".join(cipher)
