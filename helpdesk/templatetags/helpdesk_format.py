"""Formatting for the reader: `{{ amount|money:currency }}` in the active language's conventions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language

from helpdesk.money import currency_exponent, format_money

register = template.Library()


@register.filter
def money(amount: Any, currency: str | None = "") -> str:
    """The amount with its currency as a reader of the active language writes it:
    "€1,234.50" in English, "1.234,50 €" in German, "1 234,50 €" in French. Empty for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    code = (currency or "").strip().upper()
    if not value.is_finite() or currency_exponent(code) is None:
        return f"{code} {amount}".strip()
    return format_money(value, code, get_language() or "en")
