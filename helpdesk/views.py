from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.views.decorators.http import require_GET, require_POST

from . import roles
from .decorators import staff_view


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    return redirect("tickets:queue")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; for staff it is remembered on their profile."""
    language = request.POST.get("language", "")
    allowed = settings.AGENT_LANGUAGES if roles.is_agent(request.user) else [c for c, _ in settings.LANGUAGES]
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if language in allowed:
        profile = getattr(request.user, "agent_profile", None)
        if profile is not None:
            profile.ui_language = language
            profile.save(update_fields=["ui_language"])
        activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
        )
    return response
