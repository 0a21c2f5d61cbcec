"""What each kind of compensation must record, and the guards that send a request to a supervisor."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.errors import ServiceError
from helpdesk.money import quantize
from tickets.models import Ticket
from tickets.redaction import redact

from ..models import CouponType, Kind, MessageMode, Reason
from .rates import clean_amount, clean_currency

RETURN_WINDOW = timedelta(days=7)
# Orders without a recorded delivery are assumed delivered this long after they were placed.
ASSUMED_SHIPPING_TIME = timedelta(days=14)
COUPON_MAX_VALIDITY = timedelta(days=366)
MAX_TEXT = 2000

REFUND_KINDS = (Kind.PARTIAL_REFUND, Kind.FULL_REFUND)

# Why a request waits for a supervisor, whatever the agent's tier.
WAITING_REASONS = {
    "over_limit": gettext_lazy("Above the agent's limit for this ticket and order"),
    "kind_not_allowed": gettext_lazy("This kind is beyond the agent's tier"),
    "no_authority": gettext_lazy("The requester has no tier authority"),
    "late_return": gettext_lazy("Return or exchange more than 7 days after delivery"),
    "unknown_value": gettext_lazy("A percent coupon without an order has no known value"),
}


def _text(value: Any, field: str, *, required: str | None = None) -> str:
    text = redact(str(value or "").strip())  # card numbers are never kept (tickets/redaction.py)
    if required and not text:
        raise ServiceError(required, field=field)
    if len(text) > MAX_TEXT:
        raise ServiceError(_("At most %(count)d characters.") % {"count": MAX_TEXT}, field=field)
    return text


def _percent(value: Any) -> Decimal:
    try:
        number = Decimal(str(value if value is not None else "").strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Enter the percentage, e.g. 5."), field="coupon_percent") from None
    if not number.is_finite() or number <= 0 or number > 100:
        raise ServiceError(_("The percentage must be above 0 and at most 100."), field="coupon_percent")
    if number != number.quantize(Decimal("0.01")):
        raise ServiceError(_("The percentage has at most 2 decimal places."), field="coupon_percent")
    return number


def _valid_until(value: Any, today: date) -> date:
    if value in (None, ""):
        raise ServiceError(_("Give the date until which the coupon is valid."), field="coupon_valid_until")
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError(_("Enter the date as YYYY-MM-DD."), field="coupon_valid_until") from None
    if day <= today:
        raise ServiceError(_("The coupon must be valid beyond today."), field="coupon_valid_until")
    if day > today + COUPON_MAX_VALIDITY:
        raise ServiceError(_("A coupon is valid for at most a year."), field="coupon_valid_until")
    return day


def clean_request(ticket: Ticket, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The request's fields, checked for its kind, and the guards that need a supervisor."""
    now = timezone.now()
    order = ticket.order
    waiting: list[str] = []
    kind = str(data.get("kind") or "")
    if kind not in Kind.values:
        raise ServiceError(_("Choose the kind of compensation."), field="kind")
    if order is not None:
        currency = order.currency
        given = str(data.get("currency") or "").strip().upper()
        if given and given != currency:
            raise ServiceError(
                _("Compensation on order %(order)s is in its currency, %(currency)s.")
                % {"order": order.external_number, "currency": currency},
                field="currency",
            )
    else:
        currency = clean_currency(data.get("currency"))

    reason = str(data.get("reason") or "")
    if reason and reason not in Reason.values:
        raise ServiceError(_("Choose a reason from the list."), field="reason")
    if kind in REFUND_KINDS and not reason:
        raise ServiceError(_("A refund must name its reason."), field="reason")
    reason_detail = _text(data.get("reason_detail"), "reason_detail")
    if reason == Reason.OTHER and not reason_detail:
        raise ServiceError(_("Explain the reason in words."), field="reason_detail")
    if reason == Reason.DAMAGED and not ticket.attachments.filter(content_type__startswith="image/").exists():
        raise ServiceError(
            _("A damaged-goods claim needs at least one photo of the damage attached to the ticket."),
            field="reason",
        )

    fields: dict[str, Any] = {"kind": kind, "currency": currency, "reason": reason, "reason_detail": reason_detail}
    raw_amount = data.get("amount")
    has_amount = raw_amount not in (None, "")

    if kind == Kind.PARTIAL_REFUND:
        amount = clean_amount(raw_amount, currency)
        if amount <= 0:
            raise ServiceError(_("Enter the amount to refund."), field="amount")
        if order is not None and amount > order.total:
            raise ServiceError(_("A refund cannot exceed the order total."), field="amount")
    elif kind == Kind.FULL_REFUND:
        if order is None:
            raise ServiceError(_("A full refund needs the ticket's order."), field="kind")
        amount = quantize(order.total, currency)
        if has_amount and clean_amount(raw_amount, currency) != amount:
            raise ServiceError(_("A full refund is the order total."), field="amount")
    elif kind == Kind.COUPON:
        coupon_type = str(data.get("coupon_type") or "")
        if coupon_type not in CouponType.values:
            raise ServiceError(_("Choose percent off or amount off."), field="coupon_type")
        fields["coupon_type"] = coupon_type
        fields["coupon_valid_until"] = _valid_until(data.get("coupon_valid_until"), now.date())
        if coupon_type == CouponType.PERCENT:
            percent = _percent(data.get("coupon_percent"))
            fields["coupon_percent"] = percent
            if order is not None:  # worth that share of the order it compensates
                amount = quantize(order.total * percent / 100, currency)
            else:
                amount = Decimal(0)
                waiting.append("unknown_value")
        else:
            amount = clean_amount(raw_amount, currency)
            if amount <= 0:
                raise ServiceError(_("Enter the coupon's value."), field="amount")
    elif kind == Kind.RESHIPMENT:
        fields["items"] = _text(data.get("items"), "items", required=_("List the items to reship."))
        amount = clean_amount(raw_amount, currency)
    elif kind == Kind.RETURN_EXCHANGE:
        fields["is_exchange"] = bool(data.get("is_exchange"))
        fields["customer_pays_return_shipping"] = bool(data.get("customer_pays_return_shipping"))
        amount = clean_amount(raw_amount, currency) if has_amount else Decimal(0)
        if fields["customer_pays_return_shipping"] and amount > 0:
            raise ServiceError(
                _("The customer pays the return shipping, so this costs nothing: leave the amount at 0."),
                field="amount",
            )
        if _past_return_window(order, now):
            waiting.append("late_return")
    else:  # gift or custom arrangement
        fields["description"] = _text(
            data.get("description"), "description", required=_("Describe what the customer gets.")
        )
        amount = clean_amount(raw_amount, currency) if has_amount else Decimal(0)
        if kind == Kind.GIFT and not has_amount:
            raise ServiceError(_("Enter the gift's value."), field="amount")

    message_mode = str(data.get("message_mode") or MessageMode.NOTE)
    if message_mode not in MessageMode.values:
        raise ServiceError(_("Choose a note or a public reply."), field="message_mode")
    message = _text(data.get("message"), "message")
    if message_mode == MessageMode.REPLY and not message:
        raise ServiceError(_("Write the reply the customer will get."), field="message")
    fields.update(amount=amount, message_mode=message_mode, message=message)
    return fields, waiting


def _past_return_window(order: Any, now: datetime) -> bool:
    """More than 7 days after delivery (or the assumed delivery), or no order to tell by."""
    if order is None:
        return True
    delivered = order.delivered_at or (order.placed_at + ASSUMED_SHIPPING_TIME)
    return now > delivered + RETURN_WINDOW
