"""The reports' figures, each a Table (selectors.tables). `dashboard` builds every one in a fixed
number of queries whatever the data size; `export_table` builds one, for CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..access import ReportFilters
from ..models import SummaryRefresh
from ..services import last_refresh
from . import breakdown, detail, logistics, money, returns, tickets, workflow
from .durations import first_response_figures, resolution_figures
from .summary import summary_figures
from .tables import Table


@dataclass
class Context:
    """What the filters form loaded anyway, to name groups without further queries."""

    categories: list[Any] = field(default_factory=list)
    labels: dict[str, dict[Any, str]] = field(default_factory=dict)  # dimension -> {value: name}
    by: str = "category"

    @property
    def category_names(self) -> dict[int, str]:
        return {c.pk: c.name for c in self.categories}


@dataclass
class Dashboard:
    tables: dict[str, Table]
    refreshed: SummaryRefresh | None


def dashboard(filters: ReportFilters, context: Context) -> Dashboard:
    by = context.by
    first = first_response_figures(filters, by)
    solved = resolution_figures(filters, by)
    summary = summary_figures(filters, by)
    groups = money.granted_by_kind_and_tier(filters)
    built = [
        tickets.volume(filters, first, solved),
        tickets.first_response(filters, first),
        tickets.resolution(filters, solved),
        tickets.sla(filters, summary),
        tickets.backlog(filters),
        tickets.csat(filters, summary),
        tickets.return_exchange(filters, summary, context.categories),
        money.compensation_by_kind(filters, groups),
        money.compensation_by_tier(filters, groups),
        money.order_value_share(filters),
        money.approvals(filters),
        logistics.exceptions(filters),
        workflow.macro_usage(filters),
        workflow.tickets_per_tag(filters),
        breakdown.breakdown(filters, by, context.labels.get(by, {}), first, solved, summary),
    ]
    return Dashboard(tables={t.name: t.materialised() for t in built}, refreshed=last_refresh())


def returns_board(filters: ReportFilters) -> list[Table]:
    """The returns page: rates by reason, SKU, country and carrier, and the time to refund."""
    return [returns.return_rates(filters).materialised(), returns.refund_time(filters).materialised()]


def _breakdown(f: ReportFilters, c: Context) -> Table:
    first, solved, summary = first_response_figures(f, c.by), resolution_figures(f, c.by), summary_figures(f, c.by)
    return breakdown.breakdown(f, c.by, c.labels.get(c.by, {}), first, solved, summary)


EXPORTS: dict[str, Callable[[ReportFilters, Context], Table]] = {
    "volume": lambda f, c: tickets.volume(f, first_response_figures(f, c.by), resolution_figures(f, c.by)),
    "first_response": lambda f, c: tickets.first_response(f, first_response_figures(f, c.by)),
    "resolution": lambda f, c: tickets.resolution(f, resolution_figures(f, c.by)),
    "sla": lambda f, c: tickets.sla(f, summary_figures(f, c.by)),
    "backlog": lambda f, c: tickets.backlog(f),
    "csat": lambda f, c: tickets.csat(f, summary_figures(f, c.by)),
    "return_exchange": lambda f, c: tickets.return_exchange(f, summary_figures(f, c.by), c.categories),
    "compensation_kind": lambda f, c: money.compensation_by_kind(f, money.granted_by_kind_and_tier(f)),
    "compensation_tier": lambda f, c: money.compensation_by_tier(f, money.granted_by_kind_and_tier(f)),
    "order_share": lambda f, c: money.order_value_share(f),
    "approvals": lambda f, c: money.approvals(f),
    "logistics": lambda f, c: logistics.exceptions(f),
    "return_rates": lambda f, c: returns.return_rates(f),
    "refund_time": lambda f, c: returns.refund_time(f),
    "macro_usage": lambda f, c: workflow.macro_usage(f),
    "tags": lambda f, c: workflow.tickets_per_tag(f),
    "breakdown": _breakdown,
    "tickets": lambda f, c: detail.tickets(f, c.category_names),
    "solved_tickets": lambda f, c: detail.tickets(f, c.category_names, solved=True),
    "compensation": lambda f, c: detail.compensation(f, c.category_names),
}


def export_table(name: str, filters: ReportFilters, context: Context) -> Table:
    """One table, its rows read lazily. KeyError for an unknown name."""
    return EXPORTS[name](filters, context)
