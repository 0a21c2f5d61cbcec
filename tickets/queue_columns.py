"""The queue table's optional columns (the ticket's own column is always shown)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

COLUMNS = {
    "customer": _("Customer"),
    "category": _("Category"),
    "priority": _("Priority"),
    "status": _("Status"),
    "assignee": _("Assignee"),
    "team": _("Team"),
    "channel": _("Channel"),
    "time_left": _("Time left"),
    "activity": _("Last activity"),
}
ALL_COLUMNS = list(COLUMNS)


def parse_columns(values: Iterable[str]) -> list[str]:
    """The known columns among `values`, in the table's order; every column when none is known."""
    chosen = set(values)
    columns = [name for name in ALL_COLUMNS if name in chosen]
    return columns or list(ALL_COLUMNS)
