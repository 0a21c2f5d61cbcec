"""What every step of a return shares: the lock, the legal moves, the one event per step, the
ticket's history entry and the customer's email."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import Conflict, NotAllowed, NotFound
from helpdesk.money import format_money, quantize
from tickets.history import ticket_event_record
from tickets.scope import can_see_ticket
from tickets.services import email_queue

from ..history import kind_for_state
from ..models import ReturnEvent, ReturnRequest, ReturnState

S = ReturnState

# Which state each state may move to; any other move is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.REQUESTED: (S.APPROVED, S.REJECTED),
    S.APPROVED: (S.LABEL_SENT, S.EXPIRED),
    S.LABEL_SENT: (S.IN_TRANSIT, S.RECEIVED, S.EXPIRED),
    S.IN_TRANSIT: (S.RECEIVED,),
    S.RECEIVED: (S.INSPECTED,),
    S.INSPECTED: (S.REFUNDED, S.EXCHANGED, S.CLOSED),
    S.REFUNDED: (S.CLOSED,),
    S.EXCHANGED: (S.CLOSED,),
    S.REJECTED: (S.CLOSED,),
    S.EXPIRED: (S.CLOSED,),
    S.CLOSED: (),
}


def ensure_staff(actor: Any, ret: ReturnRequest) -> None:
    """Agents who can see the return's ticket take its steps; others are told it does not exist."""
    if not roles.is_agent(actor):
        raise NotAllowed(_("You are not allowed to do this."))
    if not can_see_ticket(actor, ret.ticket):
        raise NotFound(_("Return not found."))


def locked(ret: ReturnRequest) -> ReturnRequest:
    """The return's row, locked until the step's transaction ends: two people taking a step at
    once take it one after the other, and the second sees what the first did."""
    return (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("ticket__customer", "order", "return_shipment", "compensation")
        .get(pk=ret.pk)
    )


def ensure_move(ret: ReturnRequest, target: str) -> None:
    if target in TRANSITIONS.get(ret.state, ()):
        return
    if ret.state == target:
        raise Conflict(
            _("Return %(number)s is already %(state)s.")
            % {"number": ret.reference, "state": ret.get_state_display().lower()}
        )
    raise Conflict(
        _("Return %(number)s is %(state)s: it cannot become %(target)s.")
        % {
            "number": ret.reference,
            "state": ret.get_state_display().lower(),
            "target": ReturnState(target).label.lower(),
        }
    )


def move(ret: ReturnRequest, *, target: str, actor: Any, note: str = "", fields: dict[str, Any] | None = None) -> None:
    """Move a locked return to `target` with the step's other fields, record the step and tell
    the customer. Legal moves only (ensure_move)."""
    ensure_move(ret, target)
    old = ret.state
    updates = {"state": target, **(fields or {})}
    for name, value in updates.items():
        setattr(ret, name, value)
    ret.save(update_fields=[*updates, "updated_at"])
    record(ret, actor=actor, old=old, new=target, note=note)
    tell_customer(ret, step=target)


def record(ret: ReturnRequest, *, actor: Any, old: str, new: str, note: str = "", kind: str = "") -> ReturnEvent:
    person = actor if getattr(actor, "is_authenticated", False) else None
    event = ReturnEvent.objects.create(
        return_request=ret, actor=person, old_state=old, new_state=new, note=note, created_at=timezone.now()
    )
    ticket_event_record(
        ticket=ret.ticket,
        kind=kind or kind_for_state(new),
        actor=person,
        data={"new": f"{ret.reference}: {note}" if note else ret.reference},
    )
    return event


def refund_text(ret: ReturnRequest, language: str) -> str:
    return format_money(quantize(ret.refund_amount, ret.currency), ret.currency, language)


def tell_customer(ret: ReturnRequest, *, step: str) -> None:
    """The customer's email about a step, in the ticket's language, through the send log (once per
    return and step)."""
    ticket = ret.ticket
    customer = ticket.customer
    if not customer.email:
        return
    email_queue(
        key=f"returns:{ret.pk}:{step}",
        to=customer.email,
        template="returns/step",
        context={
            "ticket": ticket,
            "customer": customer,
            "ret": ret,
            "step": step,
            "state": ReturnState(step).label,
            "kind": ret.get_kind_display(),
            "amount": refund_text(ret, ticket.language),
            "customer_pays": ret.return_shipping_paid_by == "customer",
            "address": ret.return_address,
            "label_url": ret.label_url or (settings.SITE_URL + ret.label_file.url if ret.label_file else ""),
            "tracking_number": ret.return_shipment.tracking_number if ret.return_shipment else "",
            "reshipment_number": ret.reshipment.tracking_number if ret.reshipment else "",
            "site_url": settings.SITE_URL,
            "LANGUAGE_CODE": ticket.language,
        },
        language=ticket.language,
        time_zone=customer.time_zone,
        ticket=ticket,
    )
