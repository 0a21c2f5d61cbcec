"""Exchange rates from a feed in the European Central Bank's daily reference-rate format
(eurofxref-daily.xml): <Cube time="YYYY-MM-DD"><Cube currency="USD" rate="1.0842"/>…, each rate in
units per EUR. Stored as units per USD: units_per_usd(X) = rate(X) / rate(USD), and EUR = 1 / rate(USD),
computed in exact decimals and rounded once, half-even, to the column's ten places."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any
from xml.parsers import expat

from django.conf import settings

from helpdesk.errors import ServiceError

from .rates import BASE_CURRENCY, exchange_rates_import

FEED_CURRENCY = "EUR"
MAX_FEED_BYTES = 1024 * 1024  # the real file is under 2 kB
RATE_PLACES = Decimal("1e-10")
ECB_SOURCE = "ECB"


class FeedError(ServiceError):
    """The feed could not be read or did not hold usable rates: nothing was stored. Its messages are
    for the operator (command output and the worker's log), in English like the command's own."""


def _refuse_declarations(*_args: Any) -> None:
    raise FeedError("The rates feed is not plain XML (it declares a document type or entities).")


def parse_feed(data: bytes) -> tuple[date, dict[str, Decimal]]:
    """The feed's day and its rates per EUR, by currency. Entity and doctype declarations are
    refused, so a hostile feed cannot expand into gigabytes."""
    day_text = ""
    per_eur: dict[str, str] = {}

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal day_text
        if name.rsplit(" ", 1)[-1] != "Cube":
            return
        if "time" in attributes:
            day_text = attributes["time"]
        if "currency" in attributes:
            per_eur[attributes["currency"].strip().upper()] = attributes.get("rate", "")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise FeedError(f"The rates feed is not readable XML: {error}") from None
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise FeedError(f"The rates feed has no date as YYYY-MM-DD (found {day_text!r}).") from None
    rates: dict[str, Decimal] = {}
    for currency, text in per_eur.items():
        try:
            rate = Decimal(text)
        except (InvalidOperation, ValueError):
            rate = Decimal(0)
        if not rate.is_finite() or rate <= 0:
            raise FeedError(f"The rates feed has no valid rate for {currency}.")
        rates[currency] = rate
    if BASE_CURRENCY not in rates:
        raise FeedError("The rates feed has no rate for USD, so nothing can be converted.")
    return day, rates


def per_usd_rows(day: date, per_eur: dict[str, Decimal]) -> list[dict[str, Any]]:
    """Rows for exchange_rates_import: each currency's units per USD, EUR included, USD left out."""
    usd = per_eur[BASE_CURRENCY]
    rows = []
    with localcontext() as context:
        context.prec = 60
        for currency, rate in {FEED_CURRENCY: Decimal(1), **per_eur}.items():
            if currency == BASE_CURRENCY:
                continue
            units = (rate / usd).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)
            rows.append({"currency": currency, "date": day.isoformat(), "units_per_usd": str(units)})
    return rows


def read_feed(source: str) -> bytes:
    """The feed's bytes from an http(s) URL or a local file."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": "helpdesk-exchange-rates"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=settings.EXCHANGE_RATES_TIMEOUT) as response:  # noqa: S310
                data: bytes = response.read(MAX_FEED_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise FeedError(f"The rates feed {source} answered HTTP {error.code}.") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise FeedError(f"The rates feed {source} could not be reached: {reason}") from None
    else:
        try:
            with Path(source).open("rb") as handle:
                data = handle.read(MAX_FEED_BYTES + 1)
        except OSError as error:
            raise FeedError(f"Cannot read {source}: {error}") from None
    if len(data) > MAX_FEED_BYTES:
        raise FeedError("The rates feed is larger than 1 MB: refused.")
    return data


def exchange_rates_refresh(*, source: str | None = None) -> tuple[int, int]:
    """Fetch the feed (the configured EXCHANGE_RATES_URL unless another URL or file is given) and
    store its rates, all or none. Returns (created, replaced); running it twice changes nothing."""
    source = settings.EXCHANGE_RATES_URL if source is None else source
    if not source:
        raise FeedError("No exchange-rate source is configured (EXCHANGE_RATES_URL).")
    day, per_eur = parse_feed(read_feed(source))
    return exchange_rates_import(rows=per_usd_rows(day, per_eur), source=f"{ECB_SOURCE} {source}")
