"""Real countries: the 249 codes ISO 3166-1 assigns, with their names in the interface language.

Babel's territories (from Unicode CLDR) also name regions that are no country and codes ISO does
not assign: pseudo-locales for testing (XA "Pseudo-Accents", XB), groupings (EU, EZ "Eurozone",
UN, QO), the unknown region ZZ, codes reserved for other uses (AC, CP, CQ, DG, EA, IC, TA) and
user-assigned XK. None of them is a place a customer lives or a parcel goes to, so none is
accepted as a country or offered in a list of countries.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language

NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"})


@lru_cache(maxsize=1)
def real_country_codes() -> frozenset[str]:
    territories = Locale("en").territories
    return frozenset(
        code for code in map(str, territories) if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )


def is_real_country(code: str | None) -> bool:
    """True for an assigned ISO 3166-1 alpha-2 code, in capitals as stored ("DE", not "de")."""
    return code is not None and code in real_country_codes()


def _locale(language: str | None) -> Locale:
    code = (language or "en").replace("-", "_")
    try:
        return Locale.parse("zh_Hans" if code.lower() == "zh_hans" else code)
    except (UnknownLocaleError, ValueError):
        return Locale("en")


@lru_cache(maxsize=16)
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    names = _locale(language).territories
    english = Locale("en").territories
    rows = [(code, names.get(code) or english[code]) for code in real_country_codes()]
    return tuple(sorted(rows, key=lambda row: row[1]))


def real_countries(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) choices of the real countries, named and sorted in `language` (default: the
    active interface language)."""
    return list(_choices(language or get_language() or "en"))


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in `language` (default: the active one); the code itself if unknown."""
    return dict(_choices(language or get_language() or "en")).get(code, code)


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
            if len(subtag) == 2 and is_real_country(subtag.upper()):
                return subtag.upper()
    return ""
