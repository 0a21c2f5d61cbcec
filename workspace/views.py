"""The bell and the list of a staff member's notices."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from helpdesk.decorators import staff_view

from .live.streams import publish
from .models import Notification

NOTIFICATIONS_SHOWN = 50


@staff_view()
def notifications_bell(request: HttpRequest) -> HttpResponse:
    """The unread count for the top bar, polled by htmx."""
    unread = Notification.objects.filter(user_id=request.user.pk or 0, read_at__isnull=True)[:100].count()
    return render(request, "helpdesk/bell.html", {"unread": unread})


@staff_view()
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        with transaction.atomic():
            Notification.objects.filter(user_id=request.user.pk or 0, read_at__isnull=True).update(
                read_at=timezone.now()
            )
            publish(f"user:{request.user.pk}", "read")
        return redirect("notifications")
    items = Notification.objects.filter(user_id=request.user.pk or 0).order_by("-created_at", "-id")[
        :NOTIFICATIONS_SHOWN
    ]
    return render(request, "helpdesk/notifications.html", {"items": items, "nav": "notifications"})
