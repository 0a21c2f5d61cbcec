"""The queue table's optional columns (the ticket's own column is always shown)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.timesince import timesince, timeuntil
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


def row_key(ticket: Any, now: datetime) -> tuple[object, ...]:
    """Everything a queue row shows (templates/tickets/queue/_row.html), as the key of its rendered
    fragment: the row is rendered again exactly when one of these changes."""
    customer, category, assignee, team = ticket.customer, ticket.category, ticket.assignee, ticket.team
    due = ticket.sla_due_at if ticket.is_open else None
    left = (timeuntil(due, now) if due > now else "-" + timesince(due, now)) if due else ""
    return (
        ticket.pk,
        ticket.subject,
        customer.name if customer else "",
        customer.country if customer else "",
        ticket.language,
        ticket.language_unserved,
        category.name if category else "",
        ticket.priority,
        ticket.status,
        (assignee.get_full_name() or assignee.get_username()) if assignee else "",
        team.name if team else "",
        ticket.channel,
        ticket.sla_state,
        due,
        left,
        ticket.last_activity_at,
    )
