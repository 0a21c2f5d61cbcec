"""The demo's parcels: one held in customs for a week and one with no news for twelve days, each
added by an agent on its customer's ticket and tracked through the same services a webhook uses
(so their exceptions open, and the worker acts on them as on real ones); and the parcels of the
sample deliveries in docs/samples/, waiting for `manage.py post_sample_delivery` to move them."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from logistics.choices import ShipmentStatus, Source, SubStatus
from logistics.defaults import seed_defaults
from logistics.formats.common import ParsedEvent, ParsedUpdate
from logistics.models import Carrier, ExceptionRule, Shipment
from logistics.services.carriers import carrier_guess
from logistics.services.shipments import shipment_add
from logistics.services.tracking import shipment_apply_update
from tickets import services
from tickets.models import Customer, Ticket

# (days ago, status, sub-status, AfterShip tag/subtag, description, location, UTC offset in minutes)
Scan = tuple[float, str, str, str, str, str, int]

CUSTOMS_SCANS: list[Scan] = [
    (14, ShipmentStatus.INFO_RECEIVED, "", "InfoReceived_001", "Shipment information received", "Shenzhen, CN", 480),
    (13, ShipmentStatus.IN_TRANSIT, SubStatus.PICKED_UP, "InTransit_002", "Picked up", "Shenzhen, CN", 480),
    (11, ShipmentStatus.IN_TRANSIT, SubStatus.DEPARTED, "InTransit_007", "Departed the origin country", "HKG", 480),
    (9, ShipmentStatus.IN_TRANSIT, SubStatus.ARRIVED_DESTINATION, "InTransit_004", "Arrived in Germany", "FRA", 60),
    (8, ShipmentStatus.CUSTOMS, SubStatus.CUSTOMS_STARTED, "InTransit_006", "Customs clearance started", "FRA", 60),
]
STALLED_SCANS: list[Scan] = [
    (16, ShipmentStatus.INFO_RECEIVED, "", "InfoReceived_001", "Shipment information received", "Dongguan, CN", 480),
    (15, ShipmentStatus.IN_TRANSIT, SubStatus.PICKED_UP, "InTransit_002", "Picked up", "Dongguan, CN", 480),
    (12, ShipmentStatus.IN_TRANSIT, SubStatus.DEPARTED, "InTransit_007", "Departed the transit hub", "SZX", 480),
]

# The sample deliveries of docs/samples/: their orders, for customers of the demo (by email).
SAMPLE_ORDERS = [
    ("EX1058832", "emily.johnson@example.com", "USD", "US", "YT2625318840217743"),
    ("EX1056230", "oliver.jones@example.co.uk", "GBP", "GB", "YT2624907716350028"),
    ("EX1058840", "emily.johnson@example.com", "USD", "US", "LZ204817360CN"),
    ("EX1056988", "lena.schmidt@example.de", "EUR", "DE", "4821937056"),
]


def _event(now: datetime, scan: Scan) -> ParsedEvent:
    days, status, sub_status, code, description, location, offset = scan
    return ParsedEvent(
        occurred_at=now - timedelta(days=days),
        utc_offset_minutes=offset,
        status=status,
        sub_status=sub_status,
        raw_status=code.split("_")[0],
        raw_sub_status=code,
        description=description,
        location=location,
        source=Source.AFTERSHIP,
    )


def _track(shipment: Shipment, scans: list[Scan], now: datetime) -> None:
    events = tuple(_event(now, scan) for scan in scans)
    update = ParsedUpdate(
        sender=Source.AFTERSHIP,
        event_type="tracking_update",
        dedup_key=hashlib.sha256(f"demo:{shipment.tracking_number}".encode()).hexdigest(),
        tracking_number=shipment.tracking_number,
        events=events,
    )
    locked = Shipment.objects.select_for_update(of=("self",)).select_related("carrier").get(pk=shipment.pk)
    shipment_apply_update(shipment=locked, update=update, delivery=None, now=now)


def create_demo_parcels(staff: dict[str, Any]) -> list[Shipment]:
    """Two parcels in trouble, on the demo tickets that ask about them, and the samples' parcels."""
    seed_defaults(Carrier, ExceptionRule)  # the carriers and rules of the logistics migration, if emptied since
    now = timezone.now()
    made = []
    for subject, agent, number, scans in (
        ("Parcel stuck in customs for a week", "anna", "LX482913577CN", CUSTOMS_SCANS),
        ("Where is my order?", "bruno", "YT2631845502937716", STALLED_SCANS),
    ):
        ticket = Ticket.objects.filter(subject=subject, order__isnull=False).order_by("id").first()
        if ticket is None:
            continue
        shipment = shipment_add(ticket=ticket, actor=staff[agent], tracking_number=number)
        _track(shipment, scans, now)
        made.append(shipment)
    for number, email, currency, country, tracking in SAMPLE_ORDERS:
        customer = Customer.objects.filter(email=email).first()
        if customer is None:
            continue
        order = services.order_create(
            customer=customer,
            external_number=number,
            currency=currency,
            total=Decimal("49.90"),
            placed_at=now - timedelta(days=10),
            platform="shopify",
            ship_to_country=country,
        )
        carrier = carrier_guess(tracking)
        made.append(
            Shipment.objects.create(
                order=order,
                tracking_number=tracking,
                carrier=carrier,
                service_type=carrier.default_service_type if carrier else "",
                destination_country=country,
                source=Source.SYSTEM,
            )
        )
    return made
