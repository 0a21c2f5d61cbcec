"""Reads shared by pages, panel and API, scoped to what the user may see, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from helpdesk import roles
from helpdesk.prepared import Prepared
from tickets.models import Ticket
from tickets.scope import ticket_scope_q

from .models import COUNTED_STATES, CompensationRequest, RequestState

QUEUE_LIMIT = 50
HISTORY_ITEMS = 5
COUNT_CAP = 1000


def requests_visible_to(user: Any) -> QuerySet[CompensationRequest]:
    """Requests on tickets the user may see; supervisors also see every escalated one."""
    rows = CompensationRequest.objects.select_related("ticket", "order", "customer", "requested_by", "decided_by")
    if not roles.is_agent(user):
        return rows.none()
    scope = ticket_scope_q(user, prefix="ticket__")
    if scope is None:
        return rows
    if roles.is_supervisor(user):
        scope |= Q(escalated_at__isnull=False) | Q(decided_by=user)
    return rows.filter(scope | Q(requested_by=user))


@dataclass
class Committed:
    """What is already approved or pending on a ticket and its order."""

    approved_usd: Decimal = Decimal("0.00")
    pending_usd: Decimal = Decimal("0.00")
    items: list[CompensationRequest] = field(default_factory=list)

    @property
    def total_usd(self) -> Decimal:
        return self.approved_usd + self.pending_usd

    def room_left(self, limit_usd: Decimal) -> Decimal:
        """What an agent with this limit may still grant on their own: granted and waiting both count."""
        return max(limit_usd - self.total_usd, Decimal("0.00"))


@dataclass
class QueueRow:
    request: CompensationRequest
    committed: Committed
    other_tickets: list[Ticket]
    other_ticket_count: int
    past_compensation: list[CompensationRequest]
    past_compensation_usd: Decimal
    # filled in by the page: links and what the viewer may do
    ticket_url: str = ""
    decision: dict[str, Any] = field(default_factory=dict)


def _committed_for(requests: list[CompensationRequest]) -> dict[int, Committed]:
    """Per request: the other counted requests on its ticket or order, from one query."""
    ticket_ids = {r.ticket_id for r in requests}
    order_ids = {r.order_id for r in requests if r.order_id}
    related = list(
        CompensationRequest.objects.filter(Q(ticket_id__in=ticket_ids) | Q(order_id__in=order_ids))
        .filter(state__in=COUNTED_STATES)
        .only("id", "ticket_id", "order_id", "state", "kind", "currency", "amount", "amount_usd", "created_at")
        .order_by("created_at", "id")
    )
    result = {}
    for request in requests:
        committed = Committed()
        for other in related:
            if other.pk == request.pk:
                continue
            if other.ticket_id == request.ticket_id or (request.order_id and other.order_id == request.order_id):
                committed.items.append(other)
                if other.state == RequestState.APPROVED:
                    committed.approved_usd += other.amount_usd
                else:
                    committed.pending_usd += other.amount_usd
        result[request.pk] = committed
    return result


def _on_ticket_or_order(ticket_id: int, order_id: int | None) -> Q:
    scope = Q(ticket_id=ticket_id)
    if order_id:
        scope |= Q(order_id=order_id)
    return scope


def _committed(rows: Iterable[CompensationRequest]) -> Committed:
    committed = Committed()
    for row in rows:
        if row.state not in COUNTED_STATES:
            continue
        committed.items.append(row)
        if row.state == RequestState.APPROVED:
            committed.approved_usd += row.amount_usd
        else:
            committed.pending_usd += row.amount_usd
    return committed


def committed_on_ticket(ticket: Ticket) -> Committed:
    """Everything approved or pending on the ticket and its order."""
    rows = CompensationRequest.objects.filter(_on_ticket_or_order(ticket.pk, ticket.order_id), state__in=COUNTED_STATES)
    return _committed(rows.order_by("created_at", "id"))


def _ticket_requests(with_order: bool, ticket_id: int, order_id: int) -> QuerySet[CompensationRequest]:
    on = _on_ticket_or_order(ticket_id, order_id if with_order else None)
    return (
        CompensationRequest.objects.filter(on).select_related("requested_by", "decided_by").order_by("created_at", "id")
    )


_TICKET_REQUESTS = Prepared(_ticket_requests, ticket_id=int, order_id=int)


def ticket_requests(ticket: Ticket) -> tuple[list[CompensationRequest], Committed]:
    """For the ticket's panel, shown to someone who may see the ticket (and so all its requests): its
    own requests, newest first, and what is committed on it and its order, from one query."""
    rows = _TICKET_REQUESTS.objects(shape=bool(ticket.order_id), ticket_id=ticket.pk, order_id=ticket.order_id or 0)
    own = [row for row in reversed(rows) if row.ticket_id == ticket.pk]
    for row in own:
        row.ticket = ticket
    return own, _committed(rows)


def approved_compensation_items(ticket: Ticket) -> list[dict[str, str]]:
    """The approved compensation on this very ticket as [{kind, currency, amount, amount_usd}] (read
    by other apps through tickets.compensation)."""
    approved = [
        item
        for item in committed_on_ticket(ticket).items
        if item.state == RequestState.APPROVED and item.ticket_id == ticket.pk
    ]
    return [
        {
            "kind": str(item.kind),
            "currency": str(item.currency),
            "amount": str(getattr(item, "amount_display", item.amount)),
            "amount_usd": str(item.amount_usd),
        }
        for item in approved
    ]


def pending_for_supervisor(user: Any) -> QuerySet[CompensationRequest]:
    return requests_visible_to(user).filter(state=RequestState.PENDING).order_by("created_at", "id")


def approvals_queue(user: Any, *, limit: int = QUEUE_LIMIT) -> tuple[list[QueueRow], int]:
    """Pending requests the supervisor may decide, oldest first, each with the customer's history
    and what is already committed on its ticket and order; and how many wait (capped)."""
    pending = pending_for_supervisor(user)
    requests = list(pending.select_related("ticket__team")[:limit])
    waiting = len(requests) if len(requests) < limit else pending.order_by()[: COUNT_CAP + 1].count()
    if not requests:
        return [], 0
    committed = _committed_for(requests)
    customer_ids = {r.customer_id for r in requests}
    tickets_by_customer: dict[int, list[Ticket]] = defaultdict(list)
    # Only the tickets the supervisor may open: another team's stay out of sight, as everywhere.
    scope = ticket_scope_q(user)
    for ticket in (
        Ticket.objects.filter(customer_id__in=customer_ids)
        .filter(scope if scope is not None else Q())
        .only("id", "subject", "status", "created_at", "customer_id")
        .order_by("-created_at", "-id")[: 40 * len(customer_ids)]
    ):
        tickets_by_customer[ticket.customer_id].append(ticket)
    past_by_customer: dict[int, list[CompensationRequest]] = defaultdict(list)
    for past in (
        CompensationRequest.objects.filter(customer_id__in=customer_ids, state=RequestState.APPROVED)
        .only("id", "ticket_id", "customer_id", "kind", "currency", "amount", "amount_usd", "decided_at")
        .order_by("-decided_at", "-id")[: 40 * len(customer_ids)]
    ):
        past_by_customer[past.customer_id].append(past)
    rows = []
    for request in requests:
        others = [t for t in tickets_by_customer[request.customer_id] if t.pk != request.ticket_id]
        past = past_by_customer[request.customer_id]
        rows.append(
            QueueRow(
                request=request,
                committed=committed[request.pk],
                other_tickets=others[:HISTORY_ITEMS],
                other_ticket_count=len(others),
                past_compensation=past[:HISTORY_ITEMS],
                past_compensation_usd=sum((p.amount_usd for p in past), Decimal("0.00")),
            )
        )
    return rows, waiting
