"""What the order page shows: the order's parcels with their timelines and open exceptions (the
logistics app's read), and what the return policy allows now (the returns app's own rules)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from helpdesk.errors import ServiceError
from logistics.selectors import shipments_for_order
from returns.models import ReturnReason, ReturnRequest, ReturnState
from returns.services import check_eligibility
from tickets.models import Customer, Message, MessageKind, Order, Ticket

OPEN_RETURN_STATES = (ReturnState.REQUESTED, ReturnState.APPROVED, ReturnState.LABEL_SENT, ReturnState.IN_TRANSIT)


@dataclass(frozen=True)
class ReturnPolicy:
    without_reason: bool  # a return without a reason is still possible
    days_since_delivery: int | None
    refusal: str  # why a return without a reason is not possible now
    open_return: ReturnRequest | None


def return_policy(*, order: Order, now: datetime) -> ReturnPolicy:
    open_return = (
        ReturnRequest.objects.filter(order=order, state__in=OPEN_RETURN_STATES).order_by("-created_at").first()
    )
    # The returns app judges on a ticket of the customer's (their time zone); an unsaved one will do.
    probe = Ticket(customer=order.customer, order=order)
    try:
        facts = check_eligibility(order=order, ticket=probe, reason=ReturnReason.NO_REASON, now=now)
    except ServiceError as refusal:
        return ReturnPolicy(False, None, str(refusal.message), open_return)
    return ReturnPolicy(True, facts.days_since_delivery, "", open_return)


def customer_zone(name: str) -> zoneinfo.ZoneInfo:
    """The customer's time zone for the times we show them; the server's when unset or unknown."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def order_overview(*, order: Order, now: datetime) -> dict[str, Any]:
    return {
        "order": order,
        "shipments": shipments_for_order(order.pk),
        "policy": return_policy(order=order, now=now),
    }


def customer_requests(*, customer: Customer) -> QuerySet[Ticket]:
    """The customer's tickets of every channel, the latest first (a merged one shows as its target)."""
    return Ticket.objects.filter(customer=customer, merged_into__isnull=True).order_by("-updated_at", "-id")


def request_thread(*, customer: Customer, ticket_id: int) -> tuple[Ticket, list[Message]] | None:
    """One of the customer's tickets with what was said to and by them: internal notes never."""
    ticket = Ticket.objects.filter(pk=ticket_id, customer=customer, merged_into__isnull=True).first()
    if ticket is None:
        return None
    shown = ticket.messages.exclude(kind=MessageKind.NOTE).prefetch_related("attachments").order_by("created_at", "id")
    return ticket, list(shown)
