from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.views.decorators.http import require_GET, require_POST

from . import roles
from .decorators import staff_view
from .models import Notification


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


NOTIFICATIONS_SHOWN = 50


@staff_view()
def notifications_bell(request: HttpRequest) -> HttpResponse:
    """The unread count for the top bar, polled by htmx."""
    unread = Notification.objects.filter(user_id=request.user.pk or 0, read_at__isnull=True)[:100].count()
    return render(request, "helpdesk/bell.html", {"unread": unread})


@staff_view()
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        Notification.objects.filter(user_id=request.user.pk or 0, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    items = Notification.objects.filter(user_id=request.user.pk or 0).order_by("-created_at", "-id")[
        :NOTIFICATIONS_SHOWN
    ]
    return render(request, "helpdesk/notifications.html", {"items": items, "nav": "notifications"})
