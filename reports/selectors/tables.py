"""A figure is a table: named columns of typed values. The page renders it as an HTML table (the
truth), draws its chart from the same rows, and exports the same rows as CSV."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

TEXT = "text"
COUNT = "count"
RATIO = "ratio"  # 0..1, shown as a percentage
SECONDS = "seconds"  # a duration
USD = "usd"  # a Decimal amount in US dollars
DAY = "day"  # a date (a day or the Monday of a week)
MOMENT = "moment"  # an aware datetime, shown in the viewer's zone


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = COUNT


@dataclass(frozen=True)
class Chart:
    """How to draw a table: one series per column in `series`, against the `x` column."""

    type: str  # line or bar
    x: str
    series: tuple[str, ...]
    stacked: bool = False
    unit: str = ""  # minutes, hours, percent, usd or count: how the values are scaled for the axis
    horizontal: bool = False
    limit: int = 0  # draw the first rows only (the table has them all)


@dataclass
class Table:
    name: str  # unique on the page: element ids and the CSV file name
    title: str | Promise
    columns: list[Column]
    rows: Iterable[dict[str, Any]]
    chart: Chart | None = None
    total: dict[str, Any] | None = None
    note: str | Promise = ""
    tickets_url: str = ""  # the queue, filtered to the tickets behind the figure
    link_column: str = ""  # the column whose cells link to each row's "link"
    detail: str = ""  # the export listing the rows behind the figure, one per ticket or request
    transposed: bool = False  # one row, shown as a list of figures

    def materialised(self) -> Table:
        """The table with its rows in a list (the page reads them twice: table and chart)."""
        if not isinstance(self.rows, list):
            self.rows = list(self.rows)
        return self


def ratio(part: Any, whole: Any) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as a dash, not as 0 %)."""
    return float(part or 0) / float(whole) if whole else None
