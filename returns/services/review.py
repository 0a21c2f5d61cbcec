"""Requesting a return and its review through the compensation rules: the refund's value is a
compensation request like any concession, approved at once within the agent's tier, else by a
supervisor, whose decision moves the return on."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import Conflict, NotAllowed, NotFound, ServiceError
from helpdesk.money import quantize
from policies.models import CompensationRequest, Decision, Kind, Reason, RequestState
from policies.services import clean_amount, compensation_request_create
from tickets.models import Status, Ticket
from tickets.scope import can_see_ticket

from ..history import ReturnEventKind
from ..models import ReturnKind, ReturnReason, ReturnRequest, ReturnState, ShippingPayer
from .common import ensure_move, ensure_staff, locked, move, record, tell_customer
from .eligibility import check_eligibility

MAX_ITEMS = 50
MAX_TEXT = 2000

# The compensation reason each return reason is reviewed under.
COMPENSATION_REASON = {
    ReturnReason.DAMAGED: Reason.DAMAGED,
    ReturnReason.WRONG_ITEM: Reason.WRONG_ITEM,
    ReturnReason.NOT_AS_DESCRIBED: Reason.NOT_AS_DESCRIBED,
    ReturnReason.NO_REASON: Reason.OTHER,
}


def clean_items(items: Any) -> list[dict[str, Any]]:
    """[{"sku": ..., "quantity": ...}]: at least one, SKUs given, quantities whole and positive."""
    cleaned: list[dict[str, Any]] = []
    for row in items or []:
        sku = str(row.get("sku") or "").strip()
        if not sku:
            continue
        try:
            quantity = int(str(row.get("quantity") or "1").strip())
        except ValueError:
            raise ServiceError(_("Enter each quantity as a whole number."), field="items") from None
        if quantity < 1 or quantity > 999 or len(sku) > 64:
            raise ServiceError(_("Each item needs its SKU and a quantity from 1 to 999."), field="items")
        cleaned.append({"sku": sku, "quantity": quantity})
    if not cleaned:
        raise ServiceError(_("List the items to send back, each with its SKU and quantity."), field="items")
    if len(cleaned) > MAX_ITEMS:
        raise ServiceError(_("At most %(count)d items.") % {"count": MAX_ITEMS}, field="items")
    return cleaned


@transaction.atomic
def return_request(
    *,
    ticket: Ticket,
    actor: Any,
    kind: str,
    reason: str,
    items: list[dict[str, Any]],
    refund_amount: Decimal | str | None = None,
    reason_detail: str = "",
) -> ReturnRequest:
    """A return or exchange of (part of) the ticket's order, judged on the facts at once: refused
    with the rule it breaks, else requested and waiting for review. `actor` None: the customer
    (from the order page or the assistant)."""
    if actor is not None:
        if not roles.is_agent(actor):
            raise NotAllowed(_("You are not allowed to do this."))
        if not can_see_ticket(actor, ticket):
            raise NotFound(_("Ticket not found."))
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("customer", "order").get(pk=ticket.pk)
    order = ticket.order
    if order is None:
        raise ServiceError(_("A return needs the ticket's order."), field="order")
    if ticket.status == Status.CLOSED or ticket.merged_into_id is not None:
        raise ServiceError(_("A closed ticket cannot get a return."))
    if kind not in ReturnKind.values:
        raise ServiceError(_("Choose a return for a refund or an exchange."), field="kind")
    open_states = [ReturnState.REQUESTED, ReturnState.APPROVED, ReturnState.LABEL_SENT, ReturnState.IN_TRANSIT]
    if ReturnRequest.objects.filter(order=order, state__in=open_states).exists():
        raise Conflict(_("Order %(order)s already has a return under way.") % {"order": order.external_number})
    cleaned_items = clean_items(items)
    detail = str(reason_detail or "").strip()[:MAX_TEXT]
    if refund_amount in (None, ""):
        amount = quantize(order.total, order.currency)
    else:
        amount = clean_amount(refund_amount, order.currency, field="refund_amount")
    if amount < 0 or amount > order.total:
        raise ServiceError(_("The refund must be between 0 and the order total."), field="refund_amount")
    now = timezone.now()
    facts = check_eligibility(order=order, ticket=ticket, reason=reason, now=now)
    ret = ReturnRequest.objects.create(
        order=order,
        ticket=ticket,
        kind=kind,
        reason=reason,
        reason_detail=detail,
        items=cleaned_items,
        return_shipping_paid_by=facts.shipping_paid_by,
        refund_amount=amount,
        currency=order.currency,
        delivered_at=facts.delivered_at,
        days_since_delivery=facts.days_since_delivery,
        requested_by=actor,
        created_at=now,
    )
    record(ret, actor=actor, old="", new=ReturnState.REQUESTED, note=detail)
    tell_customer(ret, step=ReturnState.REQUESTED)
    return ret


def _compensation_fields(ret: ReturnRequest) -> dict[str, Any]:
    reason = COMPENSATION_REASON[ReturnReason(ret.reason)]
    detail = ret.reason_detail or ReturnReason(ret.reason).label
    common = {"reason": reason, "reason_detail": str(detail), "message_mode": "note"}
    items = ", ".join(f"{row['quantity']} x {row['sku']}" for row in ret.items)
    if ret.is_exchange:
        customer_pays = ret.return_shipping_paid_by == ShippingPayer.CUSTOMER
        return {
            "kind": Kind.RETURN_EXCHANGE,
            "is_exchange": True,
            "customer_pays_return_shipping": customer_pays,
            "amount": Decimal(0) if customer_pays else ret.refund_amount,
            "message": _("Exchange %(number)s: %(items)s") % {"number": ret.reference, "items": items},
            **common,
        }
    full = quantize(ret.refund_amount, ret.currency) == quantize(ret.order.total, ret.currency)
    return {
        "kind": Kind.FULL_REFUND if full else Kind.PARTIAL_REFUND,
        "amount": ret.refund_amount,
        "message": _("Return %(number)s: %(items)s") % {"number": ret.reference, "items": items},
        **common,
    }


@transaction.atomic
def return_approve(*, ret: ReturnRequest, actor: Any, note: str = "") -> ReturnRequest:
    """The agent's review: the refund (or exchange) goes to the compensation rules under the agent's
    name. Within their tier the return is approved at once; above it, it waits for a supervisor."""
    ensure_staff(actor, ret)
    ret = locked(ret)
    ensure_move(ret, ReturnState.APPROVED)
    if ret.compensation is not None and ret.compensation.state == RequestState.PENDING:
        raise Conflict(_("Return %(number)s is waiting for a supervisor.") % {"number": ret.reference})
    comp = compensation_request_create(
        ticket=ret.ticket, actor=actor, requester_tells_customer=True, **_compensation_fields(ret)
    )
    ret.compensation = comp
    ret.save(update_fields=["compensation", "updated_at"])
    if comp.state == RequestState.APPROVED:
        _approved(ret, actor=actor, note=note)
    else:
        record(
            ret,
            actor=actor,
            old=ret.state,
            new=ret.state,
            note=note or _("Waiting for a supervisor"),
            kind=ReturnEventKind.REVIEW,
        )
    return ret


def _approved(ret: ReturnRequest, *, actor: Any, note: str) -> None:
    deadline = timezone.now() + timedelta(days=settings.RETURNS_SEND_BACK_DAYS)
    move(ret, target=ReturnState.APPROVED, actor=actor, note=note, fields={"deadline": deadline})


@transaction.atomic
def return_reject(*, ret: ReturnRequest, actor: Any, note: str) -> ReturnRequest:
    """The agent declines the return, saying why (the customer is told)."""
    ensure_staff(actor, ret)
    ret = locked(ret)
    ensure_move(ret, ReturnState.REJECTED)
    if ret.compensation is not None and ret.compensation.state == RequestState.PENDING:
        raise Conflict(_("Return %(number)s is waiting for a supervisor.") % {"number": ret.reference})
    note = (note or "").strip()[:MAX_TEXT]
    if not note:
        raise ServiceError(_("Say why the return is rejected."), field="note")
    move(ret, target=ReturnState.REJECTED, actor=actor, note=note)
    return ret


def return_review_decided(*, request: CompensationRequest, decision: str, actor: Any, comment: str) -> None:
    """A supervisor decided the compensation behind a return: the return follows the decision."""
    ret = ReturnRequest.objects.filter(compensation_id=request.pk).first()
    if ret is None:
        return
    ret = locked(ret)
    if ret.state != ReturnState.REQUESTED:
        return
    if decision == Decision.APPROVED:
        _approved(ret, actor=actor, note=comment)
    else:
        move(ret, target=ReturnState.REJECTED, actor=actor, note=comment)
