"""Reads of the agent workspace: scoped to what the user may see, related rows joined once.

Queues are read with keyset pagination over the partial indexes on open tickets
(tkt_open_*): ordering by (-last_activity_at, -id) with a `last_activity_at <= cursor` bound
lets PostgreSQL walk the index from the cursor instead of skipping rows (no OFFSET).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.utils.translation import get_language

from helpdesk import kept_sql, roles
from helpdesk.kept_sql import Read, Statement
from helpdesk.prepared import Prepared

from .models import OPEN_Q, OPEN_STATUSES, Status, Tag, Ticket, TicketTag
from .queue_columns import QueueRow, read_row, row_values
from .scope import statement_shape, ticket_scope, ticket_scope_q, within_scope

WAITING_CAP = 1000
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100

VIEW_MINE = "mine"
VIEW_UNASSIGNED = "unassigned"
VIEW_TEAM = "team"
VIEW_ALL = "all"

# Sort name -> ordering; every ordering ends with the unique id so the keyset is total.
# Newest/oldest order by id (creation order, as ids are handed out at insert): the primary key
# serves them whatever the status, where created_at has no index.
SORTS: dict[str, tuple[str, ...]] = {
    "activity": ("-last_activity_at", "-id"),
    "newest": ("-id",),
    "oldest": ("id",),
    "priority": ("-priority", "-last_activity_at", "-id"),
    # Earliest SLA deadline first; tickets without a running deadline last (NULLS LAST).
    "due": ("sla_due_at", "id"),
}
DEFAULT_SORT = "activity"
_DATETIME_FIELDS = {"last_activity_at", "sla_due_at"}
_NULLABLE_FIELDS = {"sla_due_at"}

STATUS_UNSOLVED = "unsolved"
STATUS_ANY = "any"
OPEN_STATUS_VALUES = [s.value for s in OPEN_STATUSES]


@dataclass(frozen=True)
class QueueFilters:
    status: str = STATUS_UNSOLVED
    category: int | None = None
    priority: int | None = None
    language: str = ""
    country: str = ""
    channel: str = ""
    assignee: str = ""  # "" any, "none" unassigned, else a user id
    q: str = ""
    tag: str = ""  # a tag's name, any case

    @property
    def key(self) -> tuple[object, ...]:
        """The filters as a tuple of their values (dataclasses.astuple copies each value deeply)."""
        return tuple(getattr(self, name) for name in _FILTER_NAMES)


_FILTER_NAMES = tuple(field.name for field in fields(QueueFilters))


@dataclass
class QueuePage:
    tickets: list[QueueRow]  # the page's rows, as they show
    next_cursor: str | None
    sort: str
    page_size: int
    waiting: int = 0
    waiting_capped: bool = False
    alongside: list[list[tuple[Any, ...]]] = field(default_factory=list)  # rows of statements read with the page


def user_team_id(user: Any) -> int | None:
    profile = getattr(user, "agent_profile", None)
    return profile.team_id if profile is not None else None


def queue_views_for(user: Any) -> list[str]:
    """The queue views a user may open, in the order the tabs show them."""
    views = [VIEW_MINE]
    team_id = user_team_id(user)
    if team_id is not None or roles.is_admin(user):
        views.append(VIEW_UNASSIGNED)
    if team_id is not None:
        views.append(VIEW_TEAM)
    if roles.is_supervisor(user) or roles.is_admin(user):
        views.append(VIEW_ALL)
    return views


def chosen_view(user: Any, requested: str | None) -> str:
    """The queue view asked for, when the user may open it; else their default one."""
    return requested if requested and requested in queue_views_for(user) else default_queue_view(user)


def default_queue_view(user: Any) -> str:
    if user_team_id(user) is not None:
        return VIEW_TEAM
    return VIEW_ALL if roles.is_admin(user) else VIEW_MINE


def queue_base(user: Any, view: str) -> QuerySet[Ticket]:
    """The tickets of one queue view, before filters. Each view maps onto a partial index."""
    tickets = Ticket.objects.all()
    team_id = user_team_id(user)
    if view == VIEW_MINE:
        return tickets.filter(assignee=user)
    if view == VIEW_UNASSIGNED:
        tickets = tickets.filter(assignee__isnull=True)
        if team_id is not None:
            return tickets.filter(team_id=team_id)
        return tickets if roles.is_admin(user) else tickets.none()
    if view == VIEW_TEAM:
        return tickets.filter(team_id=team_id) if team_id is not None else tickets.none()
    if view == VIEW_ALL and (roles.is_supervisor(user) or roles.is_admin(user)):
        scope = ticket_scope_q(user)
        return tickets if scope is None else tickets.filter(scope)
    return tickets.none()


def _apply_filters(tickets: QuerySet[Ticket], filters: QueueFilters) -> QuerySet[Ticket]:
    if filters.category is not None:
        tickets = tickets.filter(category_id=filters.category)
    if filters.priority is not None:
        tickets = tickets.filter(priority=filters.priority)
    if filters.language:
        tickets = tickets.filter(language=filters.language)
    if filters.country:
        tickets = tickets.filter(customer__country=filters.country.upper())
    if filters.channel:
        tickets = tickets.filter(channel=filters.channel)
    if filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        tickets = tickets.filter(assignee_id=int(filters.assignee))
    if filters.q.strip():
        tickets = search_tickets(tickets, filters.q)
    if filters.tag:
        tickets = tickets_tagged(tickets, filters.tag)
    return tickets


def tickets_tagged(tickets: QuerySet[Ticket], name: str) -> QuerySet[Ticket]:
    """The tickets carrying the tag (any case). The tag is looked up first, so the planner sees its id
    and reads its tickets through an index of ticket tags: (tag, ticket) for a rare tag, (ticket, tag)
    probed per row of the queue's own index for a common one."""
    found = list(
        Tag.objects.annotate(key=Lower("name")).filter(key=name.strip().lower()).order_by().values_list("pk", flat=True)
    )  # through the unique index on lower(name)
    if not found:
        return tickets.none()
    return tickets.filter(pk__in=TicketTag.objects.filter(tag_id=found[0]).values("ticket_id"))


def queue_matching_ids(user: Any, view: str, filters: QueueFilters, *, limit: int) -> list[int]:
    """The ids of the tickets a queue view and its filters match, at most `limit` (for bulk actions)."""
    tickets = _apply_status(_apply_filters(queue_base(user, view), filters), filters.status)
    return list(tickets.order_by("-id").values_list("pk", flat=True)[:limit])


def _apply_status(tickets: QuerySet[Ticket], status: str) -> QuerySet[Ticket]:
    if status == STATUS_ANY:
        return tickets
    if status in OPEN_STATUS_VALUES:
        # Keep the open-ticket predicate so the partial indexes still apply.
        return tickets.filter(OPEN_Q).filter(status=status)
    if status in Status.values:
        return tickets.filter(status=status)
    return tickets.filter(OPEN_Q)


def search_tickets(tickets: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """Full-text search over subject, messages and customer (GIN index on PostgreSQL)."""
    text = text.strip()[:200]
    if settings.DATABASE_IS_POSTGRES:
        query = SearchQuery(text, config="simple", search_type="websearch")
        return tickets.filter(search_vector=query)
    return tickets.filter(search_text__icontains=text)


def encode_cursor(sort: str, ticket: Ticket | QueueRow) -> str:
    values = []
    for name in SORTS[sort]:
        value = getattr(ticket, name.lstrip("-"))
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    raw = json.dumps([sort, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str) -> list[Any] | None:
    """The sort values a cursor carries, or None when it is malformed or for another sort."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if not isinstance(data, list) or data[0] != sort or len(data) != len(SORTS[sort]) + 1:
            return None
        values: list[Any] = []
        for name, value in zip(SORTS[sort], data[1:], strict=True):
            bare = name.lstrip("-")
            if value is None and bare in _NULLABLE_FIELDS:
                values.append(None)
            elif bare in _DATETIME_FIELDS:
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    return None
                values.append(parsed)
            else:
                values.append(int(value))
        return values
    except (binascii.Error, ValueError, TypeError, IndexError, UnicodeDecodeError):
        return None


def _after_cursor(ordering: tuple[str, ...], values: list[Any]) -> Q:
    """Rows strictly after the cursor in `ordering`.

    The leading `first <= value` (or >=) bound is redundant but index-friendly: the scan starts
    at the cursor; the OR only sorts out rows that tie on the first column.
    """
    names = [name.lstrip("-") for name in ordering]
    desc = [name.startswith("-") for name in ordering]
    after = Q()
    for i, name in enumerate(names):
        step = Q(**{f"{name}__{'lt' if desc[i] else 'gt'}": values[i]})
        for j in range(i):
            step &= Q(**{names[j]: values[j]})
        after = step if i == 0 else after | step
    if len(names) == 1:
        return after
    bound = Q(**{f"{names[0]}__{'lte' if desc[0] else 'gte'}": values[0]})
    return bound & after


def _after_due_cursor(values: list[Any]) -> Q:
    """Rows after the cursor in (sla_due_at NULLS LAST, id): the deadlines, then the rest."""
    due, pk = values
    if due is None:
        return Q(sla_due_at__isnull=True, id__gt=pk)
    return Q(sla_due_at__gt=due) | Q(sla_due_at=due, id__gt=pk) | Q(sla_due_at__isnull=True)


def _order_by(sort: str, status: str) -> list[Any]:
    if sort == "oldest" and (status in OPEN_STATUS_VALUES or status == STATUS_UNSOLVED):
        # Open tickets are the newest few percent: walking the primary key up from the oldest
        # ticket would step over every closed one. "+ 0" keeps PostgreSQL off that index, so it
        # sorts the (small) open backlog read through a partial index instead.
        return [(F("id") + 0).asc()]
    if sort == "due":
        return [F("sla_due_at").asc(nulls_last=True), "id"]
    return list(SORTS[sort])


_statements = kept_sql.KeptStatements()


def queue_tickets(
    user: Any,
    view: str,
    filters: QueueFilters,
    cursor: str = "",
    page_size: int = DEFAULT_PAGE_SIZE,
    sort: str = DEFAULT_SORT,
    alongside: tuple[Statement, ...] = (),
) -> QueuePage:
    """One page of a queue, plus the capped count of tickets waiting in it: one statement (two when
    the page is empty: the count is then read alone). Kept statements given `alongside` (the
    sidebar's counts, the conversations waiting) are run in the same round trip; their rows are the
    page's `alongside`, in their order."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    values = decode_cursor(sort, cursor)

    def build() -> tuple[Read | None, Statement]:
        base = _apply_filters(queue_base(user, view), filters)
        ordering = _order_by(sort, filters.status)
        tickets = _apply_status(base, filters.status).order_by(*ordering)
        if values is not None:
            after = _after_due_cursor(values) if sort == "due" else _after_cursor(SORTS[sort], values)
            tickets = tickets.filter(after)
        # A deferred join: order and cut narrow rows first (an index-only walk for the default
        # sort, a small sort of the open backlog for the others), then read just the page's rows
        # with their customer, category, assignee and team, in the same order, and the count.
        page = Ticket.objects.filter(pk__in=tickets.values("pk")[: page_size + 1]).order_by(*ordering)
        waiting = base.filter(OPEN_Q)
        counted = page.annotate(waiting_count=kept_sql.capped_count(waiting, WAITING_CAP))
        alone = kept_sql.capped_counts([waiting], WAITING_CAP)  # for an empty page
        return kept_sql.compiled_read(row_values(counted, "waiting_count")), alone

    # A first page's statements are kept (helpdesk/kept_sql.py), but not a tag's: building looks the tag up.
    first = values is None and not filters.tag
    key = (get_language(), statement_shape(user), view, filters.key, sort, page_size) if first else None
    page_read, count_alone = _statements.get(key, build)
    together = kept_sql.run_together([page_read.statement if page_read else None, *alongside])
    found = kept_sql.read_rows(page_read, together[0])
    rows = [read_row(row[:-1]) for row in found]
    next_cursor = encode_cursor(sort, rows[page_size - 1]) if len(rows) > page_size else None
    # The count comes with the rows; an empty page reads it alone.
    if found:
        waiting, capped = min(found[0][-1], WAITING_CAP), found[0][-1] > WAITING_CAP
    else:
        [(waiting, capped)] = kept_sql.read_capped(count_alone, WAITING_CAP)
    return QueuePage(
        tickets=rows[:page_size],
        next_cursor=next_cursor,
        sort=sort,
        page_size=page_size,
        waiting=waiting,
        waiting_capped=capped,
        alongside=together[1:],
    )


def queue_row(user: Any, view: str, filters: QueueFilters, pk: int) -> QueueRow | None:
    """One ticket as a row of a queue view with its filters, or None when that view does not list it."""
    tickets = _apply_status(_apply_filters(queue_base(user, view), filters), filters.status)
    values = row_values(tickets.filter(pk=pk)).first()
    return read_row(values) if values is not None else None


def queue_waiting(user: Any, view: str, filters: QueueFilters) -> QuerySet[Ticket] | None:
    """The open tickets of a view with its filters (what its count shows), or None when the view asks
    for solved or closed tickets only, which no count covers (no partial index serves them)."""
    if filters.status not in (STATUS_UNSOLVED, STATUS_ANY, *OPEN_STATUS_VALUES):
        return None
    tickets = _apply_filters(queue_base(user, view), filters).filter(OPEN_Q)
    return tickets.filter(status=filters.status) if filters.status in OPEN_STATUS_VALUES else tickets


def _ticket_for(scope: str, pk: int, user_id: int, team_id: int) -> QuerySet[Ticket]:
    tickets = Ticket.objects.select_related("customer", "category", "assignee", "team", "order").filter(pk=pk)
    return within_scope(tickets, scope, user_id, team_id)


_TICKET_FOR = Prepared(_ticket_for, pk=int, user_id=int, team_id=int)


def ticket_for_user(user: Any, pk: int) -> Ticket:
    """The ticket with its related rows, or 404 when it is outside what the user may see."""
    scope, user_id, team_id = ticket_scope(user)
    found = _TICKET_FOR.objects(shape=scope, pk=pk, user_id=user_id, team_id=team_id) if 0 < pk < 2**63 else []
    if not found:
        raise Http404("No ticket found.")
    return found[0]


def team_agents_queryset(team_id: int) -> QuerySet[Any]:
    """Active staff of a team who may work tickets."""
    user_model: Any = get_user_model()
    in_group = user_model.groups.through.objects.filter(
        user_id=OuterRef("pk"), group__permissions__codename="work_tickets"
    )
    own = user_model.user_permissions.through.objects.filter(
        user_id=OuterRef("pk"), permission__codename="work_tickets"
    )
    can_work = Q(is_superuser=True) | Exists(in_group) | Exists(own)
    agents = user_model.objects.filter(can_work, is_active=True, agent_profile__team_id=team_id)
    return agents.order_by("first_name", "username")


_TEAM_AGENTS = Prepared(team_agents_queryset, team_id=int)


def team_agents(team_id: int | None) -> list[Any]:
    """Active staff of a team who may work tickets, i.e. who a ticket can be assigned to."""
    if team_id is None:
        return []
    return _TEAM_AGENTS.objects(team_id=team_id)


def waiting_by_team(user: Any) -> list[tuple[str, int, bool]]:
    """Open tickets per team the user may see, each count capped: one statement for all of them."""
    from .models import OPEN_Q, Team

    scope = ticket_scope_q(user)
    teams = Team.objects.all() if scope is None else Team.objects.filter(pk=user_team_id(user) or 0)
    named = list(teams.order_by("name").values_list("pk", "name"))
    counted = kept_sql.capped_counts([Ticket.objects.filter(OPEN_Q, team_id=pk) for pk, _name in named], WAITING_CAP)
    return [
        (name, *count) for (_pk, name), count in zip(named, kept_sql.read_capped(counted, WAITING_CAP), strict=True)
    ]
