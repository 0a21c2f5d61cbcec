"""Per-request preferences of signed-in staff, the security headers of every answer, and a cap on
the size of what a request may send."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.functional import LazyObject
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class UserPreferencesMiddleware:
    """Activate a signed-in agent's chosen interface language and time zone.

    It also hands the views request.user as the user itself, no longer behind the lazy wrappers of
    the authentication and two-factor middleware (both read it by then): each attribute read through
    a wrapper cost several calls and a raised exception, and a page reads a few hundred."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        while isinstance(user, LazyObject):
            user.__class__  # noqa: B018 - reading through the wrapper builds what it wraps
            user = user._wrapped  # type: ignore[attr-defined]
        request.user = user
        profile = getattr(user, "agent_profile", None) if user.is_authenticated else None
        if profile is not None:
            if profile.ui_language in settings.AGENT_LANGUAGES:
                translation.activate(profile.ui_language)
                request.LANGUAGE_CODE = profile.ui_language
            try:
                timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(zoneinfo.ZoneInfo(settings.SUPPORT_TIME_ZONE))
        else:
            timezone.activate(zoneinfo.ZoneInfo(settings.SUPPORT_TIME_ZONE))
        response = self.get_response(request)
        timezone.deactivate()
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than MAX_REQUEST_BYTES (413) before anything reads it. Django
    spools uploaded files to disk as they arrive and checks their size afterwards, so without a cap
    one request could fill the disk; the largest legitimate one (ten attachments at their limit, or
    an inbound email) stays well inside it. Place it before anything that reads the body (CSRF)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        limit = settings.MAX_REQUEST_BYTES
        if 0 <= length <= limit:
            return self.get_response(request)
        if length < 0:
            text = _("The request says it is of an impossible length.")
            status = 400
        else:
            text = _("The request is too large: at most %(size)d MB may be sent at once.") % {"size": limit // 2**20}
            status = 413
        if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
            return JsonResponse({"detail": text}, status=status)
        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
