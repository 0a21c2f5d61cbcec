"""Deliveries that arrived before their shipment or order was known: processed again once it is."""

from __future__ import annotations

from typing import Any

from helpdesk.tasking import enqueue
from tickets.models import Order

from ..models import Shipment, WebhookDelivery
from .processing import delivery_process


def _match_later(tracking_number: str) -> None:
    enqueue("logistics.tasks.match_unmatched", tracking_number)


def shipment_created(*, sender: Any, instance: Shipment, created: bool, raw: bool = False, **_: Any) -> None:
    """post_save of Shipment: whatever path added it (an agent, the admin, the API, a webhook naming
    its order), the deliveries waiting for its number are processed once the row is committed."""
    if created and not raw:
        _match_later(instance.tracking_number)


def order_created(*, sender: Any, instance: Order, created: bool, raw: bool = False, **_: Any) -> None:
    """post_save of Order: deliveries that named this order before it existed are processed now."""
    if created and not raw and instance.external_number:
        enqueue("logistics.tasks.match_order", instance.pk)


def deliveries_match_order(*, order_id: int) -> int:
    """Process again the unmatched deliveries whose body names the order (its shipment is created
    from the delivery, as for an order known at once)."""
    number = Order.objects.filter(pk=order_id).values_list("external_number", flat=True).first()
    if not number:
        return 0
    numbers = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.UNMATCHED, order_reference=number.strip().lstrip("#").strip()
    ).values_list("tracking_number", flat=True)
    return sum(deliveries_match_unmatched(tracking_number=n) for n in sorted(set(numbers)))


def deliveries_match_sweep(*, limit: int = 1000) -> int:
    """The periodic catch-up: unmatched deliveries whose number now has a shipment, or whose order now
    exists (a lost task message, a row written around the services)."""
    waiting = WebhookDelivery.objects.filter(state=WebhookDelivery.State.UNMATCHED)
    by_number = waiting.filter(tracking_number__in=Shipment.objects.values("tracking_number"))
    by_order = waiting.filter(order_reference__in=Order.objects.values("external_number"))
    numbers = set(by_number.values_list("tracking_number", flat=True)[:limit])
    numbers |= set(by_order.values_list("tracking_number", flat=True)[:limit])
    return sum(deliveries_match_unmatched(tracking_number=n) for n in sorted(numbers))


def deliveries_match_unmatched(*, tracking_number: str) -> int:
    """Process again the deliveries kept for a number that now has a shipment (oldest first)."""
    ids = list(
        WebhookDelivery.objects.filter(state=WebhookDelivery.State.UNMATCHED, tracking_number=tracking_number)
        .order_by("received_at", "id")
        .values_list("pk", flat=True)
    )
    processed = 0
    for pk in ids:
        reset = WebhookDelivery.objects.filter(pk=pk, state=WebhookDelivery.State.UNMATCHED).update(
            state=WebhookDelivery.State.RECEIVED
        )
        if reset and delivery_process(delivery_id=pk) == WebhookDelivery.State.PROCESSED:
            processed += 1
    return processed
