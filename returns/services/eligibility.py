"""Whether an order may be returned, from facts: the delivery on the tracking timeline, counted in
calendar days in the customer's time zone, the reason, and photos for damage."""

from __future__ import annotations

import zoneinfo
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from logistics.choices import ShipmentStatus
from logistics.models import Shipment, TrackingEvent
from tickets.models import Order, Ticket

from ..models import ReturnReason, ShippingPayer


@dataclass(frozen=True)
class Eligibility:
    delivered_at: datetime
    days_since_delivery: int
    shipping_paid_by: str


def customer_zone(name: str) -> zoneinfo.ZoneInfo:
    with suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
        if name:
            return zoneinfo.ZoneInfo(name)
    return zoneinfo.ZoneInfo("UTC")


def _outbound_shipments(order: Order) -> object:
    """The order's parcels to the customer: not a return parcel, not an exchange's reshipment."""
    return Shipment.objects.filter(order=order, return_request__isnull=True, exchange_for__isnull=True)


def delivered_at(order: Order) -> datetime | None:
    """When the order reached the customer: the latest delivered scan of its parcels' timelines,
    else the delivery the shipments or the store recorded."""
    outbound = _outbound_shipments(order)
    scanned = TrackingEvent.objects.filter(shipment__in=outbound, status=ShipmentStatus.DELIVERED).aggregate(
        at=Max("occurred_at")
    )["at"]
    if scanned is not None:
        return scanned
    recorded = outbound.aggregate(at=Max("delivered_at"))["at"]  # type: ignore[attr-defined]
    return recorded or order.delivered_at


def calendar_days(since: datetime, now: datetime, zone_name: str) -> int:
    """Calendar days between two instants as the customer's own calendar counts them."""
    zone = customer_zone(zone_name)
    return (now.astimezone(zone).date() - since.astimezone(zone).date()).days


def check_eligibility(*, order: Order, ticket: Ticket, reason: str, now: datetime) -> Eligibility:
    """The facts a return is judged on, or the first rule it breaks (a ServiceError)."""
    if reason not in ReturnReason.values:
        raise ServiceError(_("Choose the reason for the return."), field="reason")
    delivered = delivered_at(order)
    if delivered is None:
        raise ServiceError(
            _("Order %(order)s has no recorded delivery yet: a return can be requested once it is delivered.")
            % {"order": order.external_number},
            field="order",
        )
    days = max(calendar_days(delivered, now, ticket.customer.time_zone), 0)
    if reason == ReturnReason.NO_REASON:
        window = settings.RETURNS_NO_REASON_DAYS
        if days > window:
            raise ServiceError(
                _(
                    "A return without a reason is possible within %(window)d days of delivery; "
                    "order %(order)s was delivered %(days)d days ago."
                )
                % {"window": window, "order": order.external_number, "days": days},
                field="reason",
            )
        return Eligibility(delivered, days, ShippingPayer.CUSTOMER)
    if reason == ReturnReason.DAMAGED and not ticket.attachments.filter(content_type__startswith="image/").exists():
        raise ServiceError(
            _("A return of damaged goods needs at least one photo of the damage attached to the ticket."),
            field="reason",
        )
    return Eligibility(delivered, days, ShippingPayer.SHOP)
