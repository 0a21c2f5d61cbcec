"""The ticket list's page read through a statement kept per shape of its filters (helpdesk/prepared.py).

Integrations poll the list all day with the same few filters; building and compiling its queryset cost
more than PostgreSQL takes to read the page. DRF's cursor paginator still decides the page: it is
handed a `ListedTickets`, which notes what the paginator asks of a queryset (an ordering, at most one
position to start after, a slice) and reads those rows through the kept statement for that shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from helpdesk.prepared import Prepared

from ..models import Ticket
from ..scope import scope_q, ticket_scope
from ..serializers.tickets import LIST_COLUMNS

# Filters whose values go into the statement as parameters (the rest have few values and shape it).
_COLUMN_OF = {
    "category": "category__slug",
    "language": "language",
    "channel": "channel",
    "team": "team_id",
    "customer": "customer_id",
    "order": "order_id",
    "assignee": "assignee_id",
    "updated_since": "updated_at__gte",
}
_KINDS: dict[str, type] = {
    "category": str,
    "language": str,
    "channel": str,
    "team": int,
    "customer": int,
    "order": int,
    "assignee": int,
    "updated_since": datetime,
}
_POSITIONS = {"id__lt", "id__gt"}  # how DRF's paginator starts after a cursor's position (ordering by id)
# Ids are bigints: a larger number would be compared as a numeric, which no index on the column
# serves (a scan of every ticket), so a filter by one finds nothing at once, and a position past
# every id starts where the largest possible id would.
_LARGEST_ID = 2**63 - 1


def _build(shape: tuple[Any, ...], **values: Any) -> QuerySet[Any]:
    scope, named, statuses, priority, unassigned, (ordering, position, offset, stop) = shape
    queryset = Ticket.objects.all()
    visible = scope_q(scope, values["user_id"], values["team_id"])
    if visible is not None:
        queryset = queryset.filter(visible)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if priority is not None:
        queryset = queryset.filter(priority=priority)
    if unassigned:
        queryset = queryset.filter(assignee__isnull=True)
    queryset = queryset.filter(**{_COLUMN_OF[name]: values[name] for name in named})
    if position:
        queryset = queryset.filter(**{position: values["position"]})
    return queryset.order_by(*ordering).values(*LIST_COLUMNS)[offset:stop]


_PAGE = Prepared(_build, user_id=int, team_id=int, position=int, **_KINDS)


class ListedTickets:
    """The tickets a user may see that pass the list's filters, as DRF's cursor paginator reads them."""

    def __init__(self, user: Any, filters: dict[str, Any]) -> None:
        scope, user_id, team_id = ticket_scope(user)
        assignee = filters.get("assignee")
        self.values: dict[str, Any] = {"user_id": user_id, "team_id": team_id}
        named = []
        for name in _COLUMN_OF:
            if name in filters and not (name == "assignee" and assignee == "none"):
                named.append(name)
                self.values[name] = int(filters[name]) if _KINDS[name] is int else filters[name]
        self.finds_nothing = any(_KINDS[name] is int and self.values[name] > _LARGEST_ID for name in named)
        self.shape: tuple[Any, ...] = (
            scope,
            tuple(named),
            tuple(sorted(filters.get("status", ()))),
            filters.get("priority"),
            assignee == "none",
        )
        self.ordering: tuple[str, ...] = ()
        self.position = ""

    def order_by(self, *ordering: str) -> ListedTickets:
        self.ordering = ordering
        return self

    def filter(self, **position: Any) -> ListedTickets:
        ((lookup, value),) = position.items()
        if lookup not in _POSITIONS:
            raise TypeError(f"the ticket list starts only after an id, not by {lookup}")
        self.values["position"] = min(int(value), _LARGEST_ID)  # digits: CursorPagination checked the cursor
        self.position = lookup
        return self

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        if self.finds_nothing:
            return []
        shape = (*self.shape, (self.ordering, self.position, page.start or 0, page.stop))
        return _PAGE.dicts(shape=shape, **self.values)
