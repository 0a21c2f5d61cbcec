"""Currencies and their minor units (ISO 4217), shared by every app that handles money."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision, list_currencies

_KNOWN = frozenset(list_currencies())


def currency_exponent(code: str) -> int | None:
    """Decimal places of the currency's minor unit (JPY 0, EUR 2, KWD 3), None if unknown."""
    code = (code or "").upper()
    if code not in _KNOWN:
        return None
    return int(get_currency_precision(code))


def quantize(amount: Decimal, code: str) -> Decimal:
    exponent = currency_exponent(code)
    if exponent is None:
        raise ValueError(f"unknown currency {code}")
    return amount.quantize(Decimal(1).scaleb(-exponent))


def format_money(amount: Decimal, code: str, language: str) -> str:
    """The amount as a person reading `language` expects it, with its currency."""
    locale = {"zh-hans": "zh_Hans_CN", "en": "en_US"}.get(language, language.replace("-", "_"))
    return format_currency(amount, code, locale=locale)
