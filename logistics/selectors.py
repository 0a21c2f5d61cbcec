"""Reads shared by the panel, the exceptions page and reports: scoped to what the user may see,
related rows joined once (a fixed number of queries whatever the size)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from tickets.scope import ticket_scope_q

from .models import Shipment, ShipmentException, TrackingEvent

MAX_LISTED = 200


def shipments_for_order(order_id: int | None) -> list[Shipment]:
    """The order's shipments with their timelines (newest first) and open exceptions: 3 queries."""
    if order_id is None:
        return []
    return list(
        Shipment.objects.filter(order_id=order_id)
        .select_related("carrier")
        .prefetch_related(
            Prefetch("events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id")),
            Prefetch(
                "exceptions",
                queryset=ShipmentException.objects.filter(resolved_at__isnull=True).order_by("detected_at"),
                to_attr="open_exceptions",
            ),
        )
        .order_by("created_at", "id")
    )


def exceptions_visible_to(user: Any) -> QuerySet[ShipmentException]:
    """Open exceptions whose ticket the user may see (their team's, or assigned to them); admins see
    all, including those no ticket was opened for."""
    rows = ShipmentException.objects.filter(resolved_at__isnull=True)
    scope = ticket_scope_q(user, prefix="ticket__")
    return rows if scope is None else rows.filter(scope)


def open_exceptions(
    user: Any, *, carrier: str = "", country: str = "", kind: str = "", limit: int = MAX_LISTED
) -> list[ShipmentException]:
    rows = exceptions_visible_to(user)
    if carrier:
        rows = rows.filter(carrier_name=carrier)
    if country:
        rows = rows.filter(destination_country=country.upper())
    if kind:
        rows = rows.filter(kind=kind)
    return list(
        rows.select_related("shipment__order", "shipment__carrier", "ticket").order_by("-detected_at", "-id")[:limit]
    )


def open_exception_counts(user: Any) -> list[dict[str, Any]]:
    """Open exceptions per carrier and destination country, most first (one aggregate query)."""
    return list(
        exceptions_visible_to(user)
        .values("carrier_name", "destination_country")
        .annotate(count=Count("id"))
        .order_by("-count", "carrier_name", "destination_country")
    )


def exceptions_by_carrier_country(*, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Exceptions detected in a period per carrier, country and kind: for the supervisors' reports."""
    return list(
        ShipmentException.objects.filter(detected_at__gte=since, detected_at__lt=until)
        .values("carrier_name", "destination_country", "kind")
        .annotate(count=Count("id"))
        .order_by("carrier_name", "destination_country", "kind")
    )
