"""The decision log for supervisors: every decision on a compensation request they may see, newest
first, with who decided, when (in the viewer's zone) and why; filtered by period and decision, and
paged by a cursor on (decided at, id) so a page costs the same however far back it is."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk import roles
from helpdesk.decorators import staff_view

from . import selectors
from .models import Decision, DecisionLog


class DecisionLogFilter(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", _("All decisions")), *Decision.choices]
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_after(self) -> tuple[datetime, int] | None:
        return parse_cursor(self.cleaned_data.get("after") or "")


def cursor_of(log: DecisionLog) -> str:
    return f"{int(log.created_at.timestamp() * 1_000_000)}.{log.pk}"


def parse_cursor(value: str) -> tuple[datetime, int] | None:
    if not value:
        return None
    micros, _dot, pk = value.partition(".")
    if not (micros.isdigit() and pk.isdigit() and len(micros) <= 17 and len(pk) <= 18):
        raise forms.ValidationError(_("This page link is not valid: start again from the first page."))
    return datetime.fromtimestamp(int(micros) / 1_000_000, tz=timezone.get_fixed_timezone(0)), int(pk)


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def decisions_visible_to(user: Any) -> QuerySet[DecisionLog]:
    """Decisions on the requests the user may see (their team's; all for administrators)."""
    visible = selectors.requests_visible_to(user).order_by().values("pk")
    return DecisionLog.objects.filter(request__in=visible).select_related("request__ticket", "actor")


def filtered(rows: QuerySet[DecisionLog], data: dict[str, Any]) -> QuerySet[DecisionLog]:
    if data.get("decision"):
        rows = rows.filter(decision=data["decision"])
    if data.get("date_from"):
        rows = rows.filter(created_at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        rows = rows.filter(created_at__lt=_day_start(data["date_to"] + timedelta(days=1)))
    if data.get("after"):
        moment, pk = data["after"]
        rows = rows.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    return rows.order_by("-created_at", "-id")


@staff_view(roles.SUPERVISE)
def decision_log(request: HttpRequest) -> HttpResponse:
    form = DecisionLogFilter(request.GET or None)
    rows: list[DecisionLog] = []
    next_cursor = ""
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        size = settings.DECISION_LOG_PAGE_SIZE
        rows = list(filtered(decisions_visible_to(request.user), data)[: size + 1])
        if len(rows) > size:
            rows = rows[:size]
            next_cursor = cursor_of(rows[-1])
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "policies/decision_log.html",
        {
            "form": form,
            "rows": rows,
            "next_cursor": next_cursor,
            "filters": query.urlencode(),
            "first_page": not request.GET.get("after"),
            "nav": "approvals",
        },
        status=status,
    )
