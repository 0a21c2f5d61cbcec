from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import ReturnEvent, ReturnRequest


def returns_of_ticket(ticket_id: int) -> QuerySet[ReturnRequest]:
    return (
        ReturnRequest.objects.filter(ticket_id=ticket_id)
        .select_related("order", "compensation", "return_shipment", "reshipment", "return_address")
        .prefetch_related(Prefetch("events", queryset=ReturnEvent.objects.select_related("actor")))
        .order_by("-created_at", "-id")
    )
