"""Pages: a customer, callbacks to make, the at-risk list, scorecards. Thin: selectors and services."""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from helpdesk import roles
from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError, add_service_error

from . import selectors
from .forms import CallbackOutcomeForm, ScorecardForm
from .models import CallbackOutcome, CallbackTask
from .services.callbacks import callback_record_outcome, missed_before
from .services.scorecards import support_today

CALLBACK_PAGE = 100
REPORT_DAYS = 30


@staff_view()
def customer(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.visible_customers(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    context = {
        "customer": found,
        "profile": selectors.profile_of(found.pk),
        "segments": selectors.customer_segments(found.pk),
        "tickets": found.tickets.order_by("-created_at")[:20],
        "callbacks": CallbackTask.objects.filter(customer=found).select_related("plan").order_by("-due_at")[:20],
    }
    return render(request, "insights/customer.html", context)


@staff_view()
def callbacks(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "todo")
    tasks = selectors.callbacks_for(request.user)
    if show == "done":
        tasks = tasks.exclude(outcome=CallbackOutcome.PENDING).order_by("-done_at", "-id")
    else:
        show = "todo"
        tasks = tasks.filter(outcome=CallbackOutcome.PENDING).order_by("due_at", "id")
    now = timezone.now()
    context: dict[str, Any] = {
        "tasks": list(tasks[:CALLBACK_PAGE]),
        "show": show,
        "now": now,
        "missed_before": missed_before(now),
        "due_now": selectors.callbacks_open_count(request.user),
        "nav": "callbacks",
    }
    if roles.is_supervisor(request.user) or roles.is_admin(request.user):
        context["report"] = selectors.callback_plan_report(
            request.user, first=now - timedelta(days=REPORT_DAYS), last=now, now=now
        )
        context["report_days"] = REPORT_DAYS
    return render(request, "insights/callbacks.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.callbacks_for(request.user), pk=pk)
    form = CallbackOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            callback_record_outcome(task=task, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The call's outcome is recorded."))
            return redirect("insights:callbacks")
    return render(request, "insights/callback.html", {"task": task, "form": form, "nav": "callbacks"})


@staff_view(roles.SUPERVISE)
def at_risk(request: HttpRequest) -> HttpResponse:
    rule = {
        "window": settings.AT_RISK_WINDOW_DAYS,
        "low": settings.AT_RISK_LOW_RATING,
        "complaints": settings.AT_RISK_COMPLAINTS,
        "silence": settings.AT_RISK_SILENCE_DAYS,
        "orders": settings.AT_RISK_SILENT_MIN_ORDERS,
    }
    rows = selectors.at_risk(request.user)
    return render(request, "insights/at_risk.html", {"rows": rows, "rule": rule, "nav": "at_risk"})


def _scorecards(request: HttpRequest) -> dict[str, Any]:
    scope = selectors.scorecard_scope(request.user)
    if scope is None or not roles.is_agent(request.user):
        raise PermissionDenied
    form = ScorecardForm(request.GET or None)
    weeks = (form.cleaned_data.get("weeks") if form.is_valid() else None) or settings.SCORECARD_WEEKS
    today = support_today()
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    return {
        "form": form,
        "scope": scope,
        "weeks": weeks,
        "first": first,
        "last": today,
        "week_start": this_monday,
        "agents": selectors.scorecard_rows(scope, first=this_monday, last=today, by=("agent",)),
        "teams": selectors.scorecard_rows(scope, first=this_monday, last=today, by=("team",)),
        "trend": selectors.scorecard_rows(scope, first=first, last=today, by=("week",)),
        "agent_weeks": selectors.scorecard_rows(scope, first=first, last=today, by=("week", "agent")),
        "nav": "scorecards",
    }


@staff_view()
def scorecards(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/scorecards.html", _scorecards(request))


CSV_COLUMNS = [
    ("week", gettext_lazy("Week of")),
    ("agent__username", gettext_lazy("Agent")),
    ("first_responses", gettext_lazy("First responses")),
    ("first_response_avg", gettext_lazy("Average first response (seconds)")),
    ("solved", gettext_lazy("Solved")),
    ("resolution_avg", gettext_lazy("Average resolution (seconds)")),
    ("sla_compliance", gettext_lazy("SLA compliance")),
    ("reopen_rate", gettext_lazy("Reopen rate")),
    ("csat", gettext_lazy("CSAT")),
    ("rating_avg", gettext_lazy("Average rating")),
    ("compensation_usd", gettext_lazy("Compensation granted (USD)")),
]


@staff_view()
def scorecards_csv(request: HttpRequest) -> HttpResponse:
    context = _scorecards(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scorecards-{context["first"]}-{context["last"]}.csv"'
    writer = csv.writer(response)
    response.write("\ufeff")
    writer.writerow([str(label) for _key, label in CSV_COLUMNS])
    for row in context["agent_weeks"]:
        writer.writerow([_csv(row.get(key)) for key, _label in CSV_COLUMNS])
    return response


def _csv(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "" if value is None else value
