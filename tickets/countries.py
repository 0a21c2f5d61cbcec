"""Real countries (ISO 3166-1 alpha-2) with their names in a language, and the country a browser's
Accept-Language header names. Babel's territory list also holds regions, pseudo-locales and
territories without an ISO code: those are left out."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language

from helpdesk.language import babel_locale

# Babel territories with two letters that are not ISO 3166-1 countries.
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"})


@functools.cache
def _names(language: str) -> dict[str, str]:
    try:
        locale = Locale.parse(babel_locale(language))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return {
        code: name
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


def country_codes() -> frozenset[str]:
    return frozenset(_names("en"))


def is_country(code: str) -> bool:
    return (code or "").upper() in country_codes()


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of every country, named and sorted in `language` (the active one by default)."""
    names = _names(language or get_language() or "en")
    return sorted(names.items(), key=lambda item: item[1])


def country_from_accept_language(header: str) -> str:
    """The country of the browser's most preferred language that names one: "de-DE" gives DE,
    "zh-Hans-CN" gives CN; "de" alone or "es-419" (a region, not a country) give nothing."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-weight, position, tag.strip()))
    for weight, _position, tag in sorted(ranked):
        if weight >= 0:  # q=0: "not this one"
            continue
        for subtag in tag.replace("_", "-").split("-")[1:]:
            if len(subtag) == 2 and is_country(subtag):
                return subtag.upper()
    return ""
