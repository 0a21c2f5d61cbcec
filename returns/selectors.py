from __future__ import annotations

from django.db.models import Prefetch

from .models import ReturnEvent, ReturnRequest


def returns_of_ticket(ticket_id: int) -> list[ReturnRequest]:
    """The ticket's returns with what their page shows. Most tickets have none: their ids are asked
    first, and the joined rows only when there are some (the join costs more to build than to run)."""
    ids = list(ReturnRequest.objects.filter(ticket_id=ticket_id).values_list("pk", flat=True))
    if not ids:
        return []
    return list(
        ReturnRequest.objects.filter(pk__in=ids)
        .select_related("order", "compensation", "return_shipment", "reshipment", "return_address")
        .prefetch_related(Prefetch("events", queryset=ReturnEvent.objects.select_related("actor")))
        .order_by("-created_at", "-id")
    )
