"""Reads: the delivery marks of a thread, the health of each account."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from tickets.models import Customer, Message, MessageKind, Order, Ticket

from .models import ChannelAccount, DeliveryStatus, InboundEvent, MediaFetch, OutboundMessage


def outbound_for_messages(message_ids: list[int]) -> dict[int, list[OutboundMessage]]:
    found: dict[int, list[OutboundMessage]] = {}
    for row in OutboundMessage.objects.filter(message_id__in=message_ids).order_by("message_id", "part"):
        found.setdefault(row.message_id, []).append(row)
    return found


def media_for_messages(message_ids: list[int]) -> dict[int, list[MediaFetch]]:
    found: dict[int, list[MediaFetch]] = {}
    for row in (
        MediaFetch.objects.filter(message_id__in=message_ids)
        .exclude(failed=False, fetched_at__isnull=False)
        .order_by("pk")
    ):
        found.setdefault(row.message_id, []).append(row)
    return found


def _count(model: Any, condition: Q) -> Any:
    rows = model.objects.filter(condition, account=OuterRef("pk")).order_by().values("account").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")[:1], output_field=IntegerField()), 0)


def account_health() -> list[ChannelAccount]:
    """Every account with its last event, its last error and its failures (one query)."""
    last_event = InboundEvent.objects.filter(account=OuterRef("pk")).order_by("-received_at").values("received_at")[:1]
    return list(
        ChannelAccount.objects.annotate(
            last_event_at=Subquery(last_event),
            waiting_events=_count(InboundEvent, Q(processed_at__isnull=True)),
            failed_events=_count(InboundEvent, ~Q(error="")),
            queued_sends=_count(OutboundMessage, Q(status=DeliveryStatus.QUEUED)),
            failed_sends=_count(OutboundMessage, Q(status=DeliveryStatus.FAILED)),
            failed_media=_count(MediaFetch, Q(failed=True)),
        ).order_by("provider", "name")
    )


def last_sent_at(account_ids: list[int]) -> dict[int, Any]:
    rows = OutboundMessage.objects.filter(account_id__in=account_ids).values("account").annotate(at=Max("created_at"))
    return {row["account"]: row["at"] for row in rows}


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ORDER_LIKE = re.compile(r"#?([A-Za-z0-9-]*\d[A-Za-z0-9-]*)")


@dataclass(frozen=True)
class Mention:
    customer: Customer
    identity: str  # the email or phone the merge form names them by
    by_order: str = ""  # the order number that revealed them, else it was their email


def known_customers_mentioned(ticket: Ticket, limit: int = 3) -> list[Mention]:
    """Known customers the conversation reveals: an email address or an order number the app user
    wrote that belongs to another customer (offered to the agent for a merge, never merged unasked)."""
    texts = Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER).values_list("body", flat=True)[:50]
    text = "\n".join(texts)
    emails = {e.lower() for e in EMAIL.findall(text)}
    numbers = {m for m in ORDER_LIKE.findall(text) if 4 <= len(m) <= 100}
    found: dict[int, Mention] = {}
    if emails:
        for customer in Customer.objects.filter(email__in=list(emails)[:20]).exclude(pk=ticket.customer_id)[:limit]:
            found[customer.pk] = Mention(customer, customer.email)
    if numbers:
        orders = Order.objects.filter(external_number__in=list(numbers)[:50]).exclude(customer_id=ticket.customer_id)
        for order in orders.select_related("customer")[:limit]:
            identity = order.customer.email or order.customer.phone
            if identity and order.customer_id not in found:
                found[order.customer_id] = Mention(order.customer, identity, order.external_number)
    return list(found.values())[:limit]
