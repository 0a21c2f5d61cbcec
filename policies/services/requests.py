"""Requesting compensation: validation, conversion to USD, the tier limit, approval at once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import NotAllowed, NotFound, ServiceError
from tickets.history import ticket_event_record
from tickets.models import Order, Status, Ticket
from tickets.scope import can_see_ticket
from workspace.audit import audit_record
from workspace.models import NoticeKind
from workspace.notifications import notify

from ..models import COUNTED_STATES, CompensationRequest, Decision, MessageMode, RequestState, TierAuthority
from .audience import approvals_changed, supervisors
from .outcome import describe, record_decision
from .rates import exchange_rate_for, rate_day, usd_value
from .validation import clean_request

REMIND_AFTER = timedelta(minutes=20)
ESCALATE_AFTER = timedelta(minutes=30)


def committed_usd(*, ticket_id: int, order_id: int | None, exclude_pk: int | None = None) -> Decimal:
    """USD already approved or pending on the ticket and on its order (any of the order's tickets).
    Rejected requests do not count."""
    scope = Q(ticket_id=ticket_id)
    if order_id is not None:
        scope |= Q(order_id=order_id)
    rows = CompensationRequest.objects.filter(scope, state__in=COUNTED_STATES)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.aggregate(total=Sum("amount_usd"))["total"] or Decimal("0.00")


def authority_of(user: Any) -> TierAuthority | None:
    profile = getattr(user, "agent_profile", None)
    if profile is None:
        return None
    return TierAuthority.objects.filter(tier=profile.tier).first()


def _lock(ticket: Ticket) -> tuple[Ticket, Order | None]:
    """Lock the ticket row, then its order's row: always in this order, so requests on the same
    ticket or the same order run one after the other and see each other's totals."""
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("customer", "team").get(pk=ticket.pk)
    order = Order.objects.select_for_update().get(pk=locked.order_id) if locked.order_id else None
    locked.order = order
    return locked, order


@transaction.atomic
def compensation_request_create(
    *,
    ticket: Ticket,
    actor: Any,
    kind: str,
    amount: Decimal | str | int | None = None,
    currency: str = "",
    reason: str = "",
    reason_detail: str = "",
    items: str = "",
    description: str = "",
    coupon_type: str = "",
    coupon_percent: Decimal | str | int | None = None,
    coupon_valid_until: date | str | None = None,
    is_exchange: bool = False,
    customer_pays_return_shipping: bool = False,
    message_mode: str = MessageMode.NOTE,
    message: str = "",
    requester_tells_customer: bool = False,
) -> CompensationRequest:
    """Request compensation on a ticket. Within the requester's tier authority it is approved at
    once; otherwise it waits for a supervisor of the ticket's team (reminder at 20 minutes,
    escalation at 30). Which fields each kind needs, and how raw values (form or API strings) are
    checked: validation.clean_request. `currency` is the order's when the ticket has one.
    `requester_tells_customer`: the caller tells the customer of an immediate grant itself, so the
    compensation app sends no email of its own about it (a later supervisor's grant is emailed)."""
    data = {
        "kind": kind,
        "amount": amount,
        "currency": currency,
        "reason": reason,
        "reason_detail": reason_detail,
        "items": items,
        "description": description,
        "coupon_type": coupon_type,
        "coupon_percent": coupon_percent,
        "coupon_valid_until": coupon_valid_until,
        "is_exchange": is_exchange,
        "customer_pays_return_shipping": customer_pays_return_shipping,
        "message_mode": message_mode,
        "message": message,
    }
    if not roles.is_agent(actor):
        raise NotAllowed(_("You are not allowed to do this."))
    if not can_see_ticket(actor, ticket):
        raise NotFound(_("Ticket not found."))
    ticket, order = _lock(ticket)
    if ticket.status == Status.CLOSED or ticket.merged_into_id is not None:
        raise ServiceError(_("A closed ticket cannot get compensation."))
    fields, waiting = clean_request(ticket, data)
    now = timezone.now()
    rate = exchange_rate_for(currency=fields["currency"], day=rate_day(now))
    amount_usd = usd_value(fields["amount"], rate.units_per_usd)

    authority = authority_of(actor)
    if authority is None:
        waiting.insert(0, "no_authority")
    else:
        if not authority.may_grant(fields["kind"]):
            waiting.insert(0, "kind_not_allowed")
        total = committed_usd(ticket_id=ticket.pk, order_id=order.pk if order else None) + amount_usd
        if total > authority.limit_usd:
            waiting.insert(0, "over_limit")

    request = CompensationRequest(
        ticket=ticket,
        order=order,
        customer=ticket.customer,
        requested_by=actor,
        requester_tier=authority.tier if authority else "",
        rate=rate.units_per_usd,
        rate_date=rate.date,
        amount_usd=amount_usd,
        created_at=now,
        waiting_reasons=waiting,
        requester_tells_customer=requester_tells_customer,
        **fields,
    )
    if waiting:
        request.state = RequestState.PENDING
        request.remind_at = now + REMIND_AFTER
        request.escalate_at = now + ESCALATE_AFTER
        request.sla_due_at = request.remind_at
        request.save()
        ticket_event_record(ticket=ticket, kind="compensation_requested", actor=actor, data={"new": describe(request)})
        _audit_requested(request)
        _tell_team_supervisors(request)
        approvals_changed(request)
        return request
    request.state = RequestState.APPROVED
    request.decided_by = actor
    request.decided_at = now
    request.save()
    ticket_event_record(ticket=ticket, kind="compensation_requested", actor=actor, data={"new": describe(request)})
    _audit_requested(request)
    record_decision(request, actor=actor, decision=Decision.APPROVED, comment="", automatic=True)
    return request


def _audit_requested(request: CompensationRequest) -> None:
    audit_record(
        action="compensation.requested",
        actor=request.requested_by,
        target=request,
        ticket=request.ticket.reference,
        what=describe(request),
        amount_usd=request.amount_usd,
        waiting=",".join(request.waiting_reasons),
    )


def _tell_team_supervisors(request: CompensationRequest) -> None:
    users = supervisors(team_id=request.ticket.team_id).exclude(pk=request.requested_by_id)
    notify(
        users=users,
        key=f"policies:pending:{request.pk}",
        text=_("Compensation waiting for your approval on %(ticket)s: %(what)s")
        % {"ticket": request.ticket.reference, "what": describe(request)},
        url=reverse("policies:queue"),
        kind=NoticeKind.APPROVAL_NEEDED,
    )
