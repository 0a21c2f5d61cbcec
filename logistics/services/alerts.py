"""Acting on a detected exception, once: open a proactive logistics ticket for the order or add
to its open one (never two open for one order: the order is locked while we look), propose a
coupon where the rule says so, and queue the customer's email (due at once, in the ticket's
language) so they hear of it well within two hours."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets.models import OPEN_Q, Category, Channel, Order, Status, Ticket
from tickets.services import email_queue, message_add_note, ticket_create

from .. import conf
from ..choices import ExceptionKind
from ..models import ExceptionRule, Shipment, ShipmentException
from .compensation import CouponOutcome, coupon_propose
from .detection import rule_for
from .shipments import record_ticket_facts

logger = logging.getLogger(__name__)

_ORDER_LOCK_NAMESPACE = 0x4C4F47  # "LOG": this app's advisory locks, keyed by order id
# The compensation reason each kind of exception stands for.
COUPON_REASONS: dict[str, str] = {ExceptionKind.LOST: "lost", ExceptionKind.DAMAGED: "damaged"}


def lock_order_tickets(order_id: int) -> None:
    """Serialise "find or open the order's logistics ticket" across processes, for the rest of
    the transaction. An advisory lock rather than the order row: the compensation app locks
    ticket then order, and this must not deadlock with it. (SQLite allows one writer anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ORDER_LOCK_NAMESPACE, order_id % 2**31])


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


def _find_or_open_ticket(exception: ShipmentException, rule: ExceptionRule) -> Ticket:
    order = exception.shipment.order
    lock_order_tickets(order.pk)
    tickets = logistics_tickets(order)
    ticket = tickets.filter(OPEN_Q).order_by("created_at", "id").first()
    with translation.override(settings.LANGUAGE_CODE):
        text = summary(exception)
        if ticket is not None:
            message_add_note(ticket=ticket, author=None, body=text)
            return ticket
        previous = tickets.filter(status__in=[Status.SOLVED, Status.CLOSED]).order_by("-created_at", "-id").first()
        subject = _("%(kind)s: parcel %(number)s, order %(order)s") % {
            "kind": exception.get_kind_display(),
            "number": exception.shipment.tracking_number,
            "order": order.external_number,
        }
    ticket = ticket_create(
        customer=order.customer,
        subject=subject,
        body=text,
        channel=Channel.SYSTEM,
        category=Category.objects.filter(slug=conf.category_slug()).first(),
        order=order,
        priority=rule.ticket_priority,
        language=order.customer.language,
        follow_up_of=previous,
    )
    record_ticket_facts(ticket, exception.shipment, None)
    return ticket


def _propose_coupon(exception: ShipmentException, rule: ExceptionRule, ticket: Ticket) -> CouponOutcome | None:
    """At most one automatic coupon per order, whatever happens to its parcels."""
    already = ShipmentException.objects.filter(
        shipment__order_id=exception.shipment.order_id, coupon_request_id__isnull=False
    ).exists()
    if not rule.offer_coupon or already:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Proposed automatically for this tracking alert: %(kind)s.") % {"kind": exception.get_kind_display()}
    outcome = coupon_propose(
        ticket=ticket, percent=rule.coupon_percent, reason=COUPON_REASONS.get(exception.kind, "late"), note=note
    )
    exception.coupon_request_id, exception.coupon_state = outcome.request_id, outcome.state
    if outcome.state == "refused":
        with translation.override(settings.LANGUAGE_CODE):
            body = _("A %(percent)s %% coupon could not be proposed automatically: %(reason)s") % {
                "percent": f"{rule.coupon_percent.normalize():f}",
                "reason": outcome.reason,
            }
        message_add_note(ticket=ticket, author=None, body=body)
    return outcome


def _tell_customer(
    exception: ShipmentException, rule: ExceptionRule, ticket: Ticket | None, coupon: CouponOutcome | None
) -> None:
    shipment = exception.shipment
    customer = shipment.order.customer
    language = ticket.language if ticket is not None else customer.language
    email_queue(
        key=f"logistics-exception:{exception.pk}",
        to=customer.email,
        template="logistics/exception",
        context={
            "customer": customer,
            "ticket": ticket,
            "order": shipment.order,
            "shipment": shipment,
            "carrier": shipment.carrier.name if shipment.carrier else "",
            "exception": exception,
            "kind": exception.kind,
            "rule": rule,
            "since": shipment.customs_started_at if exception.kind == ExceptionKind.CUSTOMS_HELD else None,
            "last_update": shipment.last_event_at,
            "coupon_approved": coupon is not None and coupon.state == "approved",
            "coupon_percent": f"{rule.coupon_percent.normalize():f}",
            "LANGUAGE_CODE": language,
        },
        language=language,
        time_zone=customer.time_zone,
        ticket=ticket,
    )


def exception_act(*, exception_id: int) -> bool:
    """Act on one exception if nobody has yet; True when this call did. Safe to run twice."""
    with transaction.atomic():
        shipment_id = (
            ShipmentException.objects.filter(pk=exception_id, acted_at__isnull=True)
            .values_list("shipment_id", flat=True)
            .first()
        )
        if shipment_id is None:
            return False
        # Locks in the order processing takes them (shipment, then order, then exception rows), so
        # acting and a tracking update of the same parcel never wait on each other in a cycle.
        list(Shipment.objects.select_for_update().filter(pk=shipment_id).values_list("pk", flat=True))
        exception = (
            ShipmentException.objects.select_for_update(of=("self",))
            .select_related("shipment__order__customer", "shipment__carrier", "rule")
            .filter(pk=exception_id, acted_at__isnull=True)
            .first()
        )
        if exception is None:  # acted on by another worker while we waited
            return False
        shipment = exception.shipment
        rule = exception.rule or rule_for(exception.kind, shipment.destination_country, shipment.service_type)
        exception.acted_at = timezone.now()
        ticket, coupon = None, None
        if exception.resolved_at is None and rule is not None and rule.is_active:
            if rule.open_ticket:
                ticket = _find_or_open_ticket(exception, rule)
                coupon = _propose_coupon(exception, rule, ticket)
            if rule.notify_customer:
                _tell_customer(exception, rule, ticket, coupon)
                exception.customer_notified = True
        exception.ticket = ticket
        exception.save(update_fields=["acted_at", "ticket", "customer_notified", "coupon_request_id", "coupon_state"])
        return ticket is not None or exception.customer_notified


def exceptions_act_due(*, limit: int = 200) -> int:
    """Act on every exception not yet acted on: the catch-up for lost task messages."""
    ids = list(
        ShipmentException.objects.filter(Q(acted_at__isnull=True))
        .order_by("detected_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(exception_act(exception_id=pk) for pk in ids)
