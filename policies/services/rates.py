"""Exchange rates as data, and the conversion used for every limit check."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from helpdesk.money import currency_exponent

from ..models import ExchangeRate

BASE_CURRENCY = "USD"
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("100000000000")  # fits the columns (14 digits, 3 decimals)


def usd_value(amount: Decimal, units_per_usd: Decimal) -> Decimal:
    """The amount in USD: amount / units_per_usd, rounded half-up to whole cents."""
    with localcontext() as context:
        context.prec = 60  # exact enough that the only rounding is the one to cents
        return (amount / units_per_usd).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RateUsed:
    """A rate and the day it is for (today's, or the latest of the last few days)."""

    units_per_usd: Decimal
    date: date


def rate_day(moment: datetime | None = None) -> date:
    """The day a rate is for: the support centre's calendar day (SUPPORT_TIME_ZONE). The admin's
    date fields offer this day as "Today", and the limit check asks for the rate of this day."""
    return timezone.localdate(moment or timezone.now(), zoneinfo.ZoneInfo(settings.SUPPORT_TIME_ZONE))


def oldest_usable_day(day: date) -> date:
    return day - timedelta(days=settings.EXCHANGE_RATE_MAX_AGE_DAYS)


def latest_rate(*, currency: str, day: date) -> RateUsed | None:
    """The rate of `day`, else the latest at most EXCHANGE_RATE_MAX_AGE_DAYS days older; never a later day's."""
    if currency == BASE_CURRENCY:
        return RateUsed(Decimal(1), day)
    row = (
        ExchangeRate.objects.filter(currency=currency, date__lte=day, date__gte=oldest_usable_day(day))
        .order_by("-date")
        .values_list("units_per_usd", "date")
        .first()
    )
    return RateUsed(*row) if row else None


def exchange_rate_for(*, currency: str, day: date) -> RateUsed:
    """The rate a request on `day` converts with; none recent enough is an error, as the limit
    must never be checked against a stale rate."""
    rate = latest_rate(currency=currency, day=day)
    if rate is None:
        raise ServiceError(
            _(
                "There is no exchange rate for %(currency)s dated between %(since)s and %(day)s, so the amount "
                "cannot be checked against your limit. Ask an admin to import the rates."
            )
            % {"currency": currency, "since": oldest_usable_day(day).isoformat(), "day": day.isoformat()},
            field="currency",
        )
    return rate


def clean_currency(value: Any, *, field: str = "currency") -> str:
    code = str(value or "").strip().upper()
    if currency_exponent(code) is None:
        raise ServiceError(_("Unknown currency code."), field=field)
    return code


def clean_amount(value: Any, currency: str, *, field: str = "amount") -> Decimal:
    """An exact, non-negative amount in the currency's minor unit (JPY none, EUR 2, KWD 3)."""
    if isinstance(value, float):
        value = repr(value)
    text = str(value if value is not None else "").strip()
    if not text:
        raise ServiceError(_("Enter the amount."), field=field)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Enter an amount such as 12.50."), field=field) from None
    if not number.is_finite():
        raise ServiceError(_("Enter an amount such as 12.50."), field=field)
    if number < 0:
        raise ServiceError(_("The amount cannot be negative."), field=field)
    if number >= MAX_AMOUNT:
        raise ServiceError(_("The amount is too large."), field=field)
    places = currency_exponent(currency) or 0
    if number != number.quantize(Decimal(1).scaleb(-places)):
        if places == 0:
            message = _("%(currency)s amounts have no decimal places.") % {"currency": currency}
        else:
            message = _("%(currency)s amounts have at most %(places)d decimal places.") % {
                "currency": currency,
                "places": places,
            }
        raise ServiceError(message, field=field)
    return number


def _clean_rate_row(row: Mapping[str, Any]) -> tuple[str, date, Decimal]:
    currency = clean_currency(row.get("currency"))
    if currency == BASE_CURRENCY:
        raise ServiceError(_("USD is the base currency and needs no rate."), field="currency")
    try:
        day = date.fromisoformat(str(row.get("date") or "").strip())
    except ValueError:
        raise ServiceError(_("Enter the date as YYYY-MM-DD."), field="date") from None
    try:
        rate = Decimal(str(row.get("units_per_usd") or "").strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Enter the rate as a decimal number."), field="units_per_usd") from None
    if not rate.is_finite() or rate <= 0:
        raise ServiceError(_("The rate must be a positive number."), field="units_per_usd")
    if rate != rate.quantize(Decimal("1e-10")) or rate >= Decimal("1e10"):
        raise ServiceError(
            _("The rate has at most 10 decimal places and 10 digits before them."), field="units_per_usd"
        )
    return currency, day, rate


@transaction.atomic
def exchange_rates_import(*, rows: Iterable[Mapping[str, Any]], source: str = "") -> tuple[int, int]:
    """Store rates (currency, date, units_per_usd); all or nothing. Returns (created, updated).

    A rate already stored for the day is replaced; requests keep the rate they used."""
    cleaned: dict[tuple[str, date], Decimal] = {}
    errors: list[str] = []
    for number, row in enumerate(rows, start=1):
        try:
            currency, day, rate = _clean_rate_row(row)
        except ServiceError as error:
            errors.append(
                _("Row %(row)d (%(field)s): %(message)s")
                % {"row": number, "field": error.field, "message": error.message}
            )
            continue
        cleaned[(currency, day)] = rate
    if errors:
        raise ServiceError("\n".join(errors), field="rows")
    created = updated = 0
    for (currency, day), rate in cleaned.items():
        _rate, was_created = ExchangeRate.objects.update_or_create(
            currency=currency, date=day, defaults={"units_per_usd": rate, "source": source[:100]}
        )
        created += was_created
        updated += not was_created
    return created, updated
