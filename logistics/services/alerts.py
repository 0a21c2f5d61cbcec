"""Acting on detected exceptions, once, per order: every exception joins the order's open episode
(services.notices), opens a proactive logistics ticket for the order or adds to its open one (never
two open for one order: the order is locked while we look), and the customer is told through the
episode: one notice per trouble, in their language, due at once so it reaches them well within two
hours."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets.models import OPEN_Q, Category, Channel, Order, Status, Ticket
from tickets.services import message_add_note, ticket_create

from .. import conf
from ..models import ExceptionEpisode, ExceptionRule, Shipment, ShipmentException
from .notices import episode_consider_notice, episodes_notify_due, lock_order_tickets
from .rules import rule_for
from .shipments import record_ticket_facts

logger = logging.getLogger(__name__)


def logistics_tickets(order: Order) -> Any:
    category = Category.objects.filter(slug=conf.category_slug()).first()
    tickets = Ticket.objects.filter(order=order, merged_into__isnull=True)
    return tickets.filter(category=category) if category else tickets.filter(channel=Channel.SYSTEM)


def summary(exception: ShipmentException) -> str:
    """What agents read in the ticket (stored in the site's language)."""
    shipment = exception.shipment
    return _(
        "Tracking alert: %(kind)s. Parcel %(number)s (%(carrier)s) to %(country)s, status %(status)s: "
        "%(detail)s. Detected %(when)s UTC by the logistics rules."
    ) % {
        "kind": exception.get_kind_display(),
        "number": shipment.tracking_number,
        "carrier": shipment.carrier.name if shipment.carrier else "?",
        "country": shipment.destination_country or "?",
        "status": shipment.get_status_display(),
        "detail": exception.detail,
        "when": exception.detected_at.strftime("%Y-%m-%d %H:%M"),
    }


def _find_or_open_ticket(order: Order, found: list[tuple[ShipmentException, ExceptionRule]]) -> Ticket:
    """The order's open logistics ticket with a note per new exception, or a new proactive ticket.
    Its subject is in the customer's language: replies to the customer carry it."""
    tickets = logistics_tickets(order)
    ticket = tickets.filter(OPEN_Q).order_by("created_at", "id").first()
    with translation.override(settings.LANGUAGE_CODE):
        text = "\n\n".join(summary(exception) for exception, _rule in found)
    if ticket is not None:
        message_add_note(ticket=ticket, author=None, body=text)
        return ticket
    previous = tickets.filter(status__in=[Status.SOLVED, Status.CLOSED]).order_by("-created_at", "-id").first()
    customer = order.customer
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        subject = _("Delivery of your order %(order)s") % {"order": order.external_number}
    ticket = ticket_create(
        customer=customer,
        subject=subject,
        body=text,
        channel=Channel.SYSTEM,
        category=Category.objects.filter(slug=conf.category_slug()).first(),
        order=order,
        priority=max(rule.ticket_priority for _exception, rule in found),
        language=customer.language,
        follow_up_of=previous,
    )
    record_ticket_facts(ticket, found[0][0].shipment, None)
    return ticket


def _open_episode(order: Order, now: datetime) -> ExceptionEpisode:
    """The order's open episode, or a new one (the order's lock is held; the partial unique index
    would refuse a second open one anyway)."""
    episode = ExceptionEpisode.objects.select_for_update().filter(order=order, closed_at__isnull=True).first()
    return episode or ExceptionEpisode.objects.create(order=order, opened_at=now)


def _act_on_order(order_id: int, now: datetime) -> bool:
    pending = list(
        ShipmentException.objects.select_for_update(of=("self",))
        .select_related("shipment__order__customer", "shipment__carrier", "rule")
        .filter(shipment__order_id=order_id, acted_at__isnull=True)
        .order_by("detected_at", "id")
    )
    if not pending:
        return False
    live: list[tuple[ShipmentException, ExceptionRule]] = []
    for exception in pending:
        exception.acted_at = now
        shipment = exception.shipment
        rule = exception.rule or rule_for(exception.kind, shipment.destination_country, shipment.service_type)
        if exception.resolved_at is None and rule is not None and rule.is_active:
            live.append((exception, rule))
    episode = None
    if live:
        order = pending[0].shipment.order
        episode = _open_episode(order, now)
        with_ticket = [(e, r) for e, r in live if r.open_ticket]
        if with_ticket:
            ticket = episode.ticket if episode.ticket is not None and episode.ticket.is_open else None
            if ticket is None:
                ticket = _find_or_open_ticket(order, with_ticket)
            else:
                with translation.override(settings.LANGUAGE_CODE):
                    text = "\n\n".join(summary(exception) for exception, _rule in with_ticket)
                message_add_note(ticket=ticket, author=None, body=text)
            episode.ticket = ticket
            for exception, _rule in with_ticket:
                exception.ticket = ticket
        episode.save(update_fields=["ticket"])
        for exception, _rule in live:
            exception.episode = episode
    ShipmentException.objects.bulk_update(pending, ["acted_at", "ticket", "episode"])
    if episode is None:
        return False
    episode_consider_notice(episode=episode, now=now)
    return True


def exception_act(*, exception_id: int) -> bool:
    """Act on an exception (and whatever else of its order waits) if nobody has yet; True when this
    call did. Safe to run twice, and from two workers at once."""
    with transaction.atomic():
        row = (
            ShipmentException.objects.filter(pk=exception_id, acted_at__isnull=True)
            .values_list("shipment_id", "shipment__order_id")
            .first()
        )
        if row is None:
            return False
        _shipment_id, order_id = row
        # Locks in the order processing takes them: the order's shipments in id order (writing the
        # exception rows checks their keys at commit), then the order's lock, then exception rows.
        list(Shipment.objects.select_for_update().filter(order_id=order_id).order_by("pk").values_list("pk", flat=True))
        lock_order_tickets(order_id)
        return _act_on_order(order_id, timezone.now())


def exceptions_act_due(*, limit: int = 200) -> int:
    """Act on every exception not yet acted on (the catch-up for lost task messages), and tell the
    customers whose material change waited for the quiet period to end."""
    ids = list(
        ShipmentException.objects.filter(Q(acted_at__isnull=True))
        .order_by("detected_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    acted = sum(exception_act(exception_id=pk) for pk in ids)
    return acted + episodes_notify_due(limit=limit)
