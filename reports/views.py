"""The dashboard and its CSV exports. Thin: the form makes the filters, the selectors the figures."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from workspace.audit import audit_record

from . import selectors
from .access import access_for
from .export import csv_response
from .forms import ReportFilterForm
from .presentation import display, tiles


def _form(request: HttpRequest) -> ReportFilterForm:
    return ReportFilterForm(request.GET, access=access_for(request.user))


def _context(form: ReportFilterForm) -> selectors.Context:
    labels: dict[str, dict[Any, str]] = {
        "team": {t.pk: t.name for t in form.teams},
        "agent": {a.pk: a.get_full_name() or a.username for a in form.agents},
        "category": {c.pk: c.name for c in form.categories},
        "country": dict(form.fields["country"].choices),  # type: ignore[attr-defined]
    }
    return selectors.Context(categories=form.categories, labels=labels, by=form.breakdown())


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    filters = form.filters()
    board = selectors.dashboard(filters, _context(form))
    figures = [display(table) for table in board.tables.values()]
    context = {
        "nav": "reports",
        "form": form,
        "filters": filters,
        "figures": figures,
        "tiles": tiles(board.tables),
        "refreshed": board.refreshed,
        "query": request.GET.urlencode(),
        "support_zone": settings.SUPPORT_TIME_ZONE,
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def returns(request: HttpRequest) -> HttpResponse:
    """Returns and exchanges: rates by reason, SKU, country and carrier; time from request to refund."""
    form = _form(request)
    filters = form.filters()
    context = {
        "nav": "reports",
        "form": form,
        "filters": filters,
        "figures": [display(table) for table in selectors.returns_board(filters)],
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/returns.html", context)


@login_required
@require_GET
def export(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in selectors.EXPORTS:
        raise Http404
    form = _form(request)
    if not form.is_valid():
        errors = "; ".join(f"{field}: {' '.join(str(m) for m in messages)}" for field, messages in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    filters = form.filters()
    table = selectors.export_table(name, filters, _context(form))
    period = filters.period
    audit_record(
        action="report.export",
        request=request,
        table=name,
        period=f"{period.first.isoformat()}..{period.last.isoformat()}",
        filters=request.GET.urlencode(),
    )
    filename = f"{name}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return csv_response(table, timezone.get_current_timezone(), filename)
