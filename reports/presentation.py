"""How figures read: cells formatted for people (HTML) and for spreadsheets (CSV), and the JSON a
chart is drawn from. The three read the same rows of the same Table."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .selectors.tables import COUNT, DAY, MOMENT, RATIO, SECONDS, USD, Column, Table

DASH = "–"
CENTS = Decimal("0.01")


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return DASH
    total = round(seconds)
    days, rest = divmod(abs(total), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    sign = "-" if total < 0 else ""
    if days:
        text = gettext("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    elif hours:
        text = gettext("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    elif minutes:
        text = gettext("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": secs}
    else:
        text = gettext("%(seconds)d s") % {"seconds": secs}
    return sign + text


def cell_text(value: Any, kind: str) -> str:
    """A value as a person reads it, in the interface language and the viewer's time zone."""
    if value is None or value == "":
        return DASH if kind != "text" else ""
    if kind == RATIO:
        return f"{number_format(round(value * 100, 1), 1)} %"  # number_format cuts, it does not round
    if kind == SECONDS:
        return duration_text(value)
    if kind == USD:
        # The ISO code rather than "$": readers also handle Australian, Canadian and other dollars.
        return f"USD {number_format(Decimal(value).quantize(CENTS), 2, force_grouping=True)}"
    if kind == COUNT:
        return number_format(value, force_grouping=True)
    if kind == DAY:
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == MOMENT and isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


UNIT_SUFFIX = {RATIO: _("%(label)s (%%)"), SECONDS: _("%(label)s (seconds)")}


def csv_header(column: Column) -> str:
    suffix = UNIT_SUFFIX.get(column.kind)
    return str(suffix) % {"label": column.label} if suffix else str(column.label)


def csv_value(value: Any, kind: str, zone: tzinfo) -> Any:
    """A value for a spreadsheet: plain numbers (seconds, percentages, dollars), ISO dates and times,
    and text that can never be taken for a formula."""
    if value is None:
        return ""
    if kind == RATIO:
        return f"{value * 100:.1f}"
    if kind == SECONDS:
        return round(value)
    if kind == USD:
        return f"{Decimal(value):.2f}"
    if kind == DAY and isinstance(value, date):
        return value.isoformat()
    if kind == MOMENT and isinstance(value, datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


CHART_UNITS = {
    "minutes": (SECONDS, 60, _("minutes")),
    "hours": (SECONDS, 3600, _("hours")),
    "percent": (RATIO, 0.01, "%"),
    "usd": (USD, 1, "USD"),
    "count": (COUNT, 1, ""),
}


def chart_data(table: Table) -> dict[str, Any] | None:
    """The chart of a table, from its rows: labels from the x column, one dataset per series."""
    chart = table.chart
    if chart is None:
        return None
    rows = list(table.rows)[: chart.limit or None]
    columns = {c.key: c for c in table.columns}
    _kind, divisor, axis = CHART_UNITS.get(chart.unit, (COUNT, 1, ""))

    def scaled(value: Any) -> float | None:
        return None if value is None else round(float(value) / divisor, 2)

    x_kind = columns[chart.x].kind if chart.x in columns else "text"
    return {
        "type": chart.type,
        "stacked": chart.stacked,
        "horizontal": chart.horizontal,
        "axis": str(axis),
        "labels": [cell_text(row.get(chart.x), x_kind) for row in rows],
        "datasets": [
            {"label": str(columns[key].label), "data": [scaled(row.get(key)) for row in rows]} for key in chart.series
        ],
    }


def display(table: Table) -> dict[str, Any]:
    """The table as the page shows it: every cell formatted once here, the template only prints."""
    columns = table.columns

    def cells(row: dict[str, Any]) -> list[tuple[str, str, str]]:
        link = row.get("link", "")
        return [
            (c.kind, cell_text(row.get(c.key), c.kind), link if c.key == table.link_column else "") for c in columns
        ]

    rows = list(table.rows)
    total = None
    if table.total is not None:
        total = [(c.kind, cell_text(table.total.get(c.key), c.kind), "") for c in columns[1:]]
    return {
        "table": table,
        "chart": chart_data(table),
        "rows": [cells(row) for row in rows],
        "total": total,
        "single": [(c.label, c.kind, cell_text(rows[0].get(c.key), c.kind)) for c in columns] if rows else [],
    }


def tiles(tables: dict[str, Table]) -> list[dict[str, Any]]:
    """The headline figures above the charts, each linking to its table."""

    def figure(name: str, key: str) -> Any:
        table = tables[name]
        source = table.total if table.total is not None else next(iter(table.rows), {})
        return source.get(key)

    headline = [
        (_("First response, median"), "first_response", "median", SECONDS),
        (_("Resolution, median"), "resolution", "median", SECONDS),
        (_("First response SLA"), "sla", "fr_rate", RATIO),
        (_("Resolution SLA"), "sla", "res_rate", RATIO),
        (_("Open now"), "backlog", "total", COUNT),
        (_("CSAT"), "csat", "csat", RATIO),
        (_("Compensation granted"), "compensation_kind", "usd", USD),
        (_("Approvals waiting"), "approvals", "waiting", COUNT),
    ]
    return [
        {"label": label, "anchor": name, "value": cell_text(figure(name, key), kind)}
        for label, name, key, kind in headline
    ]
