"""Shipments: matched to webhook updates, added or corrected by agents on a ticket, and the
deliveries that arrived before their shipment was known."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import NotFound, ServiceError
from helpdesk.tasking import enqueue
from tickets.history import ticket_event_record
from tickets.models import CategoryField, Order, Ticket
from tickets.scope import can_see_ticket
from tickets.services import ticket_record_facts

from .. import conf
from ..choices import Direction, ServiceType, ShipmentStatus, Source
from ..formats import ParsedUpdate, normalise_tracking_number
from ..models import Carrier, Shipment, ShipmentException, ShipmentStatusChange, TrackingEvent
from .carriers import carrier_for_update, carrier_guess, service_type_for
from .notices import episode_close_if_settled
from .tracking import shipment_set_status

_NUMBER = re.compile(r"^[A-Z0-9]{4,40}$")


def order_for_references(references: tuple[str, ...]) -> Order | None:
    """The one order a payload's own references name (e.g. "#EX1058832"), or None if none or several."""
    candidates = {ref.strip().lstrip("#").strip() for ref in references} - {""}
    if not candidates:
        return None
    orders = list(Order.objects.filter(external_number__in=candidates)[:2])
    return orders[0] if len(orders) == 1 else None


def shipments_for_update(update: ParsedUpdate, known: list[Shipment] | None = None) -> list[Shipment]:
    """The shipments an update is about, locked in id order (`known`: already locked by the caller).
    A number nobody added yet gets a shipment when the payload names exactly one known order;
    otherwise none (the delivery is kept as unmatched)."""
    rows = known
    if rows is None:
        rows = list(
            Shipment.objects.select_for_update(of=("self",))
            .select_related("carrier")
            .filter(tracking_number=update.tracking_number)
            .order_by("pk")
        )
    if len(rows) > 1 and update.carrier_code:
        carrier = carrier_for_update(update)
        narrowed = [s for s in rows if carrier is None or s.carrier_id in (None, carrier.pk)]
        rows = narrowed or rows
    if rows or not conf.match_order_reference():
        return rows
    order = order_for_references(update.order_references)
    if order is None:
        return []
    carrier = carrier_for_update(update)
    shipment, created = Shipment.objects.get_or_create(
        order=order,
        tracking_number=update.tracking_number,
        defaults={
            "carrier": carrier,
            "destination_country": update.destination_country or order.ship_to_country,
            "service_type": service_type_for(update.service_name, carrier),
            "source": update.sender,
        },
    )
    if created:
        ShipmentStatusChange.objects.create(
            shipment=shipment, new_status=shipment.status, source=update.sender, note="added from a webhook"
        )
    return [Shipment.objects.select_for_update(of=("self",)).select_related("carrier").get(pk=shipment.pk)]


def _ensure_agent_on(actor: Any, ticket: Ticket) -> Order:
    if not roles.is_agent(actor):
        raise ServiceError(_("You are not allowed to do this."))
    if not can_see_ticket(actor, ticket):
        raise NotFound(_("Ticket not found."))
    if ticket.order_id is None:
        raise ServiceError(_("Link the ticket to an order before adding a tracking number."), field="tracking_number")
    return Order.objects.get(pk=ticket.order_id)


def clean_tracking_number(value: str) -> str:
    number = normalise_tracking_number(value)
    if not _NUMBER.match(number):
        raise ServiceError(_("Enter the tracking number: 4 to 40 letters and digits."), field="tracking_number")
    return number


def _carrier_for(number: str, carrier: Carrier | None) -> Carrier:
    chosen = carrier or carrier_guess(number)
    if chosen is None:
        raise ServiceError(_("The carrier cannot be told from this number: choose it."), field="carrier")
    return chosen


def _clean_service(service_type: str) -> str:
    if service_type not in ServiceType.values:
        raise ServiceError(_("Choose a service type from the list."), field="service_type")
    return service_type


def record_ticket_facts(ticket: Ticket, shipment: Shipment, actor: Any) -> None:
    """Fill the ticket's logistics facts the agent would otherwise type again (only empty ones)."""
    if ticket.category_id is None:
        return
    keys = set(CategoryField.objects.filter(category_id=ticket.category_id).values_list("key", flat=True))
    found = {
        "tracking_number": shipment.tracking_number,
        "destination_country": shipment.destination_country,
        "ship_date": shipment.shipped_at.date().isoformat() if shipment.shipped_at else "",
    }
    facts = {k: v for k, v in found.items() if k in keys and v and not ticket.facts.get(k)}
    if facts:
        try:
            with transaction.atomic():
                ticket_record_facts(ticket=ticket, facts=facts, actor=actor)
        except ServiceError:  # a fact the category validates differently: leave it to the agent
            return


@transaction.atomic
def shipment_add(
    *,
    ticket: Ticket,
    actor: Any,
    tracking_number: str,
    carrier: Carrier | None = None,
    service_type: str = "",
    direction: str = Direction.OUTBOUND,
) -> Shipment:
    """An agent adds a tracking number to the ticket's order; the carrier is guessed from the
    number's format when only one fits, else it must be chosen."""
    order = _ensure_agent_on(actor, ticket)
    number = clean_tracking_number(tracking_number)
    chosen = _carrier_for(number, carrier)
    if Shipment.objects.filter(order=order, tracking_number=number).exists():
        raise ServiceError(_("This tracking number is already on the order."), field="tracking_number")
    shipment = Shipment.objects.create(
        order=order,
        tracking_number=number,
        carrier=chosen,
        service_type=_clean_service(service_type) or chosen.default_service_type,
        destination_country=order.ship_to_country if direction == Direction.OUTBOUND else "",
        source=Source.AGENT,
        created_by=actor,
        direction=direction,
    )
    ShipmentStatusChange.objects.create(
        shipment=shipment, new_status=shipment.status, source=Source.AGENT, actor=actor, note="added by an agent"
    )
    ticket_event_record(ticket=ticket, kind="tracking_added", actor=actor, data={"new": f"{number} ({chosen.name})"})
    record_ticket_facts(ticket, shipment, actor)
    return shipment  # the deliveries waiting for this number are matched by shipment_created


@transaction.atomic
def shipment_correct(
    *,
    ticket: Ticket,
    shipment: Shipment,
    actor: Any,
    tracking_number: str,
    carrier: Carrier | None = None,
    service_type: str = "",
) -> Shipment:
    """An agent corrects a shipment's number, carrier or service type. A new number starts the
    tracking afresh: the old number's events belonged to another parcel."""
    order = _ensure_agent_on(actor, ticket)
    locked = Shipment.objects.select_for_update().filter(pk=shipment.pk, order=order).first()
    if locked is None:
        raise NotFound(_("This shipment is not on the ticket's order."))
    number = clean_tracking_number(tracking_number)
    chosen = _carrier_for(number, carrier) if (carrier or number != locked.tracking_number) else locked.carrier
    old = f"{locked.tracking_number} ({locked.carrier.name if locked.carrier else '?'})"
    now = timezone.now()
    fields = {"carrier", "service_type"}
    if number != locked.tracking_number:
        if Shipment.objects.filter(order=order, tracking_number=number).exclude(pk=locked.pk).exists():
            raise ServiceError(_("This tracking number is already on the order."), field="tracking_number")
        TrackingEvent.objects.filter(shipment=locked).delete()
        ShipmentException.objects.filter(shipment=locked, resolved_at__isnull=True).update(resolved_at=now)
        episode_close_if_settled(order_id=order.pk, now=now)
        for name in (
            "last_event_at",
            "shipped_at",
            "expected_delivery",
            "customs_started_at",
            "customs_released_at",
            "tracking_stopped_at",
        ):
            setattr(locked, name, None)
        locked.tracking_number, locked.open_exception_kinds = number, []
        fields |= {
            "tracking_number",
            "last_event_at",
            "shipped_at",
            "expected_delivery",
            "customs_started_at",
            "customs_released_at",
            "tracking_stopped_at",
            "open_exception_kinds",
        }
        fields |= shipment_set_status(
            shipment=locked,
            status=ShipmentStatus.PENDING,
            sub_status="",
            source=Source.AGENT,
            now=now,
            actor=actor,
            note=f"tracking number corrected from {old}",
        )
        enqueue("logistics.tasks.match_unmatched", number)
    locked.carrier = chosen
    locked.service_type = _clean_service(service_type) or locked.service_type
    locked.save(update_fields=[*fields, "updated_at"])
    new = f"{number} ({chosen.name if chosen else '?'})"
    if new != old:
        ticket_event_record(ticket=ticket, kind="tracking_corrected", actor=actor, data={"old": old, "new": new})
    return locked
