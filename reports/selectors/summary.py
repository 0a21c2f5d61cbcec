"""Figures read from the daily summary: SLA compliance, CSAT and response rate, return/exchange rate.
One query per page: the period's rows summed by day (or week), category and the breakdown's
dimension (a few thousand groups at most), then folded three ways here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncWeek

from ..access import Paths, ReportFilters
from ..memory import report_memory
from ..models import DailyTicketStats
from ..services import MEASURES

SUMMARY_DIMENSIONS = {
    "team": "team_id",
    "agent": "agent_id",
    "category": "category_id",
    "country": "country",
    "channel": "channel",
}
SUMMARY_PATHS: Paths = dict(SUMMARY_DIMENSIONS)

Measures = dict[str, int]


def _zero() -> Measures:
    return dict.fromkeys(MEASURES, 0)


@dataclass
class SummaryFigures:
    total: Measures = field(default_factory=_zero)
    by_day: dict[Any, Measures] = field(default_factory=lambda: defaultdict(_zero))
    by_category: dict[Any, Measures] = field(default_factory=lambda: defaultdict(_zero))
    by_group: dict[Any, Measures] = field(default_factory=lambda: defaultdict(_zero))


def summary_rows(filters: ReportFilters) -> QuerySet[DailyTicketStats]:
    period = filters.period
    return DailyTicketStats.objects.filter(day__gte=period.first, day__lte=period.last).filter(filters.q(SUMMARY_PATHS))


def summary_figures(filters: ReportFilters, by: str) -> SummaryFigures:
    key = TruncWeek("day") if filters.step == "week" else F("day")
    rows = (
        summary_rows(filters)
        .annotate(r_day=key, r_group=F(SUMMARY_DIMENSIONS[by]))
        .values("r_day", "category_id", "r_group")
        .annotate(**{name: Sum(name) for name in MEASURES})
        .order_by()
    )
    figures = SummaryFigures()
    with report_memory():
        found = list(rows)
    for row in found:
        for name in MEASURES:
            value = row[name] or 0
            figures.total[name] += value
            figures.by_day[row["r_day"]][name] += value
            figures.by_category[row["category_id"]][name] += value
            figures.by_group[row["r_group"]][name] += value
    return figures
