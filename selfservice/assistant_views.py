"""The assistant's report for supervisors (`/assistant/report/`), linked from the reports page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from helpdesk import roles

from .assistant.report import assistant_figures

PERIODS = (7, 30, 90)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    if not (roles.is_supervisor(request.user) or roles.is_admin(request.user)):
        raise PermissionDenied
    days = int(request.GET["days"]) if request.GET.get("days", "") in {str(d) for d in PERIODS} else 30
    now = timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days - 1)
    context = {
        "nav": "reports",
        "days": days,
        "periods": PERIODS,
        "start": start,
        "figures": assistant_figures(start=start, end=now, now=now),
    }
    return render(request, "selfservice/assistant/report.html", context)
