"""The bell (a dropdown of the latest notices), opening a notice, and the list of a staff member's notices."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from helpdesk.decorators import staff_view
from helpdesk.htmx import is_htmx

from .live.streams import publish
from .models import Notification

NOTIFICATIONS_SHOWN = 50
BELL_SHOWN = 10
UNREAD_COUNTED = 100


def _unread(request: HttpRequest) -> int:
    return Notification.objects.filter(user_id=request.user.pk or 0, read_at__isnull=True)[:UNREAD_COUNTED].count()


def _latest(request: HttpRequest, count: int) -> list[Notification]:
    return list(Notification.objects.filter(user_id=request.user.pk or 0).order_by("-created_at", "-id")[:count])


@staff_view()
@require_GET
def notifications_bell(request: HttpRequest) -> HttpResponse:
    """The bell for the top bar; `?part=count` just its unread count, polled by htmx."""
    context = {"unread": _unread(request)}
    if request.GET.get("part") == "count":
        return render(request, "helpdesk/_bell_count.html", context)
    return render(request, "helpdesk/bell.html", context)


@staff_view()
@require_GET
def notifications_menu(request: HttpRequest) -> HttpResponse:
    """The bell's dropdown: the latest notices, loaded when it opens."""
    return render(request, "helpdesk/_bell_menu.html", {"items": _latest(request, BELL_SHOWN)})


@staff_view()
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notice read, then go where it points (a page of this site only)."""
    notice = get_object_or_404(Notification, pk=pk, user_id=request.user.pk or 0)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
    url = notice.url
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return redirect(url)
    return redirect("notifications")


@staff_view()
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        with transaction.atomic():
            Notification.objects.filter(user_id=request.user.pk or 0, read_at__isnull=True).update(
                read_at=timezone.now()
            )
            publish(f"user:{request.user.pk}", "read")  # the user's other open pages: the bell empties
        if is_htmx(request):  # from the bell's dropdown: the bell again, open, all read
            context = {"unread": 0, "items": _latest(request, BELL_SHOWN), "open": True}
            return render(request, "helpdesk/bell.html", context)
        return redirect("notifications")
    items = _latest(request, NOTIFICATIONS_SHOWN)
    return render(request, "helpdesk/notifications.html", {"items": items, "nav": "notifications"})
