"""The queue table: its optional columns (the ticket's own column is always shown) and its rows.

A row is read as the plain values it shows (QueueRow), not as a ticket with its customer, category,
assignee and team built as model instances, and its HTML is a fragment keyed by those values
(helpdesk/fragments.py): an unchanged row costs a dictionary lookup, not a rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname, get_language

from helpdesk import fragments

from .models import OPEN_STATUSES, Priority, Status, format_reference

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


class QueueRow(NamedTuple):
    """What a queue row shows of a ticket (templates/tickets/queue/_row.html), and what its cursor needs."""

    pk: int
    subject: str
    customer_name: str
    customer_country: str
    language: str
    language_unserved: bool
    category_name: str
    priority: int
    status: str
    assignee_name: str
    team_name: str
    channel: str
    sla_state: str
    sla_due_at: datetime | None
    last_activity_at: datetime

    @property
    def id(self) -> int:
        return self.pk

    @property
    def reference(self) -> str:
        return format_reference(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def get_priority_display(self) -> str:
        return str(Priority(self.priority).label)

    def get_status_display(self) -> str:
        return str(Status(self.status).label)


def translated(field: str) -> tuple[str, ...]:
    """A translated field's columns (modeltranslation): the active language's, then English's, the
    fallback (once when the same). first_text() picks what the model's attribute would give."""
    prefix, _sep, name = field.rpartition("__")
    prefix = f"{prefix}__" if prefix else ""
    local, english = f"{prefix}{build_localized_fieldname(name, get_language())}", f"{prefix}{name}_en"
    return (local,) if local == english else (local, english)


def first_text(values: Iterable[str | None]) -> str:
    return next((value for value in values if value), "")


def row_values(tickets: QuerySet[Any], *more: str) -> QuerySet[Any]:
    """The columns read_row() takes, in its order; the category's name in the active language; then
    `more` (for the caller, to take off before read_row())."""
    return tickets.values_list(
        "pk",
        "subject",
        "customer__name",
        "customer__country",
        "language",
        "language_unserved",
        "priority",
        "status",
        "assignee__first_name",
        "assignee__last_name",
        "assignee__username",
        "team__name",
        "channel",
        "sla_state",
        "sla_due_at",
        "last_activity_at",
        *translated("category__name"),  # last: one or two columns
        *more,
    )


def read_row(values: Any) -> QueueRow:
    """A QueueRow from one row of row_values(): names as the templates show them (a user's full name,
    else their username; a category's name, else its name in the fallback language)."""
    (pk, subject, customer, country, language, unserved, priority, status,
     first, last, username, team, channel, sla_state, due, activity, *category) = values  # fmt: skip
    assignee = f"{first} {last}".strip() or username if username is not None else ""
    return QueueRow(
        pk, subject, customer or "", country or "", language, unserved, first_text(category),
        priority, status, assignee, team or "", channel, sla_state, due, activity,
    )  # fmt: skip


def _time_left_key(row: QueueRow, now: datetime) -> tuple[object, object]:
    """What the "time left" badge shows as of now: it changes only when the whole minutes between now
    and the deadline do (timeuntil and timesince count whole minutes and larger units from it)."""
    due = row.sla_due_at
    if due is None or not row.is_open:
        return (None, None)
    return (due > now, (due - now).total_seconds() // 60)


def render_rows(rows: Iterable[QueueRow], now: datetime, columns: list[str], show_team: bool) -> SafeString:
    """The rows' HTML, each rendered only when what it shows has changed, joined here rather than
    looped over in the template. Each key is one flat tuple of plain values (checked in one call)."""
    shown = (",".join(columns), show_team)

    def renderer(row: QueueRow) -> Callable[[], str]:
        context = {"ticket": row, "now": now, "columns": columns, "show_team": show_team}
        return lambda: render_to_string("tickets/queue/_row.html", context)

    return fragments.joined(ROW_PLACE, [((*row, *_time_left_key(row, now), *shown), renderer(row)) for row in rows])


ROW_PLACE = ("tickets/queue/_row.html", "row")
