"""One trouble, one notice. An order's open episode gathers its exceptions; the customer hears of it
once, in their language, with one expected delay (that of the most precise kind open: the carrier's
own word before a threshold we inferred) and the offer in the same message when the compensation
rules grant one. Another notice only when the trouble grows graver (customs to lost, say) or the
delay grows past what was promised, and never twice within LOGISTICS_NOTICE_QUIET_HOURS: a change
meanwhile is told by the sweep when the quiet period ends. The caller holds the order's lock."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets.models import Ticket
from tickets.services import email_queue, message_add_note, message_add_system

from ..choices import GROUP_GRAVITY, KIND_GROUPS, KIND_PRECISION, ExceptionKind
from ..models import ExceptionEpisode, ExceptionRule, Shipment, ShipmentException
from .compensation import CouponOutcome, coupon_code, coupon_propose
from .rules import rule_for

# The compensation reason each kind of exception stands for.
COUPON_REASONS: dict[str, str] = {ExceptionKind.LOST: "lost", ExceptionKind.DAMAGED: "damaged"}

Found = tuple[ShipmentException, ExceptionRule]


_ORDER_LOCK_NAMESPACE = 0x4C4F47  # "LOG": this app's advisory locks, keyed by order id


def lock_order_tickets(order_id: int) -> None:
    """Serialise "find or open the order's episode and logistics ticket" across processes, for the
    rest of the transaction. An advisory lock rather than the order row: the compensation app locks
    ticket then order, and this must not deadlock with it. (SQLite allows one writer anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ORDER_LOCK_NAMESPACE, order_id % 2**31])


def _quiet() -> timedelta:
    return timedelta(hours=settings.LOGISTICS_NOTICE_QUIET_HOURS)


def _open_in_episode(episode: ExceptionEpisode) -> list[Found]:
    found = []
    rows = (
        ShipmentException.objects.filter(episode=episode, resolved_at__isnull=True)
        .select_related("shipment__order__customer", "shipment__carrier", "rule")
        .order_by("detected_at", "id")
    )
    for exception in rows:
        shipment = exception.shipment
        rule = exception.rule or rule_for(exception.kind, shipment.destination_country, shipment.service_type)
        if rule is not None and rule.is_active and rule.notify_customer:
            found.append((exception, rule))
    return found


def headline(found: list[Found]) -> Found:
    """The exception the notice speaks of: the most precise kind, then the most specific rule, then
    the longest delay (never promise less than the rule the customer's case fits best)."""
    return max(
        found,
        key=lambda pair: (
            KIND_PRECISION.get(pair[0].kind, 0),
            pair[1].specificity,
            pair[1].expected_delay_days or 0,
        ),
    )


def _gravity(found: list[Found]) -> int:
    return max(GROUP_GRAVITY[KIND_GROUPS.get(exception.kind, "delay")] for exception, _rule in found)


def episode_consider_notice(*, episode: ExceptionEpisode, now: datetime) -> bool:
    """Tell the customer about the episode if it is news to them; True when a notice was queued."""
    found = _open_in_episode(episode)
    if not found:
        return False
    head, rule = headline(found)
    gravity, delay = _gravity(found), rule.expected_delay_days
    if episode.notices:
        graver = gravity > episode.notified_gravity
        longer = delay is not None and delay > (episode.promised_delay_days or 0)
        if not (graver or longer):
            if episode.notice_due:
                episode.notice_due = False
                episode.save(update_fields=["notice_due"])
            return False
        if episode.last_notice_at is not None and now - episode.last_notice_at < _quiet():
            if not episode.notice_due:
                episode.notice_due = True
                episode.save(update_fields=["notice_due"])
            return False
    _notify(episode, found, (head, rule), gravity, now)
    return True


def _offer(
    episode: ExceptionEpisode, found: list[Found], head: Found, ticket: Ticket | None
) -> tuple[CouponOutcome | None, ExceptionRule]:
    """At most one automatic coupon per order, proposed with a notice so it is told in it."""
    offering = [pair for pair in found if pair[1].offer_coupon]
    if ticket is None or not offering:
        return None, head[1]
    if ShipmentException.objects.filter(shipment__order_id=episode.order_id, coupon_request_id__isnull=False).exists():
        return None, head[1]
    exception, rule = head if head in offering else offering[0]
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Proposed automatically for this tracking alert: %(kind)s.") % {"kind": exception.get_kind_display()}
    outcome = coupon_propose(
        ticket=ticket, percent=rule.coupon_percent, reason=COUPON_REASONS.get(exception.kind, "late"), note=note
    )
    exception.coupon_request_id, exception.coupon_state = outcome.request_id, outcome.state
    exception.save(update_fields=["coupon_request_id", "coupon_state"])
    if outcome.state == "refused":
        with translation.override(settings.LANGUAGE_CODE):
            body = _("A %(percent)s %% coupon could not be proposed automatically: %(reason)s") % {
                "percent": f"{rule.coupon_percent.normalize():f}",
                "reason": outcome.reason,
            }
        message_add_note(ticket=ticket, author=None, body=body)
    return outcome, rule


def _notify(episode: ExceptionEpisode, found: list[Found], head: Found, gravity: int, now: datetime) -> None:
    exception, rule = head
    shipment = exception.shipment
    customer = shipment.order.customer
    ticket = episode.ticket if episode.ticket is not None and episode.ticket.is_open else None
    language = ticket.language if ticket is not None else (customer.language or settings.LANGUAGE_CODE)
    coupon, offering_rule = _offer(episode, found, head, ticket)
    code = ""
    if coupon is not None and coupon.state == "approved" and coupon.request_id is not None:
        code = coupon_code(coupon.request_id)  # told here: the compensation app sends no email of it
    context = {
        "customer": customer,
        "ticket": ticket,
        "order": shipment.order,
        "shipment": shipment,
        "carrier": shipment.carrier.name if shipment.carrier else "",
        "exception": exception,
        "kind": exception.kind,
        "rule": rule,
        "delay_days": rule.expected_delay_days,
        "since": shipment.customs_started_at if exception.kind == ExceptionKind.CUSTOMS_HELD else None,
        "last_update": shipment.last_event_at,
        "coupon_approved": bool(code),
        "coupon_code": code,
        "coupon_percent": f"{offering_rule.coupon_percent.normalize():f}",
        "is_update": episode.notices > 0,
        "LANGUAGE_CODE": language,
    }
    message = None
    if ticket is not None:
        with translation.override(language), timezone.override(customer.time_zone or settings.SUPPORT_TIME_ZONE):
            body = render_to_string("emails/logistics/exception.txt", context).strip()
        message = message_add_system(ticket=ticket, body=body)
    episode.notices += 1
    email_queue(
        key=f"logistics-notice:{episode.pk}:{episode.notices}",
        to=customer.email,
        template="logistics/exception",
        context=context,
        language=language,
        time_zone=customer.time_zone,
        ticket=ticket,
        message=message,
    )
    episode.notified_kind = exception.kind
    episode.notified_gravity = max(gravity, episode.notified_gravity)
    if rule.expected_delay_days is not None:
        episode.promised_delay_days = max(rule.expected_delay_days, episode.promised_delay_days or 0)
    episode.last_notice_at, episode.notice_due = now, False
    episode.save(
        update_fields=[
            "notices",
            "notified_kind",
            "notified_gravity",
            "promised_delay_days",
            "last_notice_at",
            "notice_due",
        ]
    )
    ShipmentException.objects.filter(pk__in=[e.pk for e, _r in found]).update(customer_notified=True)


def episodes_notify_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """The sweep: tell the customers whose material change came within the quiet period, once it ends."""
    now = now or timezone.now()
    ids = list(
        ExceptionEpisode.objects.filter(
            notice_due=True, closed_at__isnull=True, last_notice_at__lte=now - _quiet()
        ).values_list("pk", "order_id")[:limit]
    )
    sent = 0
    for pk, order_id in ids:
        with transaction.atomic():
            shipments = Shipment.objects.select_for_update().filter(order_id=order_id).order_by("pk")
            list(shipments.values_list("pk", flat=True))  # as exception_act locks, in the same order
            lock_order_tickets(order_id)
            episode = ExceptionEpisode.objects.select_for_update().filter(pk=pk, notice_due=True).first()
            if episode is not None and episode.closed_at is None:
                sent += episode_consider_notice(episode=episode, now=now)
    return sent


def episode_close_if_settled(*, order_id: int, now: datetime) -> None:
    """The order has no open exception left (its parcel moved on, or was delivered): the episode
    ends, and the next trouble is a new one."""
    if ShipmentException.objects.filter(shipment__order_id=order_id, resolved_at__isnull=True).exists():
        return
    ExceptionEpisode.objects.filter(order_id=order_id, closed_at__isnull=True).update(closed_at=now, notice_due=False)
