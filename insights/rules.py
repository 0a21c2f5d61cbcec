"""Segment rules: a small, validated expression over profile figures, evaluated in SQL.

A rule is a list of conditions, all of which must hold (an empty list matches every customer):

    [{"field": "spend_12m_usd", "op": ">=", "value": 1000},
     {"field": "last_contact_at", "op": "within_days", "value": 30}]

Numbers take >, >=, <, <=, = and !=; dates take within_days, older_than_days (a whole number of
days before now) and is_empty (true or false). Anything else is refused with a clear message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError

NUMBER_FIELDS = {
    "spend_12m_usd",
    "spend_total_usd",
    "orders",
    "orders_12m",
    "returns",
    "tickets",
    "complaints",
    "complaints_recent",
    "compensation_usd",
    "rating_avg",
    "ratings",
    "low_ratings_recent",
}
DATE_FIELDS = {"last_order_at", "last_contact_at", "customer_since"}
NUMBER_OPS = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "=": "exact", "!=": "exact"}
DATE_OPS = {"within_days", "older_than_days", "is_empty"}
MAX_CONDITIONS = 20


def validate_rule(rule: Any) -> list[dict[str, Any]]:
    """The rule, checked; raises ServiceError(field="rule") naming the first fault."""
    if not isinstance(rule, list):
        raise ServiceError(_("A rule is a list of conditions."), field="rule")
    if len(rule) > MAX_CONDITIONS:
        raise ServiceError(_("A rule has at most %(n)d conditions.") % {"n": MAX_CONDITIONS}, field="rule")
    for number, condition in enumerate(rule, start=1):
        _check(condition, number)
    return rule


def _check(condition: Any, number: int) -> None:
    if not isinstance(condition, dict) or set(condition) != {"field", "op", "value"}:
        raise ServiceError(
            _('Condition %(n)d must have exactly "field", "op" and "value".') % {"n": number}, field="rule"
        )
    field, op, value = condition["field"], condition["op"], condition["value"]
    if field in NUMBER_FIELDS:
        if op not in NUMBER_OPS:
            raise ServiceError(
                _("Condition %(n)d: %(op)s does not apply to a number.") % {"n": number, "op": op}, field="rule"
            )
        if isinstance(value, bool) or not isinstance(value, int | float | str) or _number(value) is None:
            raise ServiceError(_("Condition %(n)d: the value must be a number.") % {"n": number}, field="rule")
    elif field in DATE_FIELDS:
        if op not in DATE_OPS:
            raise ServiceError(
                _("Condition %(n)d: %(op)s does not apply to a date.") % {"n": number, "op": op}, field="rule"
            )
        if op == "is_empty" and not isinstance(value, bool):
            raise ServiceError(_("Condition %(n)d: is_empty takes true or false.") % {"n": number}, field="rule")
        if op != "is_empty" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ServiceError(_("Condition %(n)d: give a whole number of days.") % {"n": number}, field="rule")
    else:
        raise ServiceError(_("Condition %(n)d: unknown field %(field)s.") % {"n": number, "field": field}, field="rule")


def _number(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def rule_q(rule: list[dict[str, Any]], now: datetime) -> Q:
    """The rule as a filter on CustomerProfile (validate first)."""
    q = Q()
    for condition in rule:
        field, op, value = condition["field"], condition["op"], condition["value"]
        if field in NUMBER_FIELDS:
            term = Q(**{f"{field}__{NUMBER_OPS[op]}": _number(value)})
            if field == "rating_avg":  # no rating yet: no comparison holds
                term &= Q(rating_avg__isnull=False)
            q &= ~term if op == "!=" else term
        elif op == "is_empty":
            q &= Q(**{f"{field}__isnull": bool(value)})
        elif op == "within_days":
            q &= Q(**{f"{field}__gte": now - timedelta(days=value)})
        else:
            q &= Q(**{f"{field}__lt": now - timedelta(days=value)})
    return q
