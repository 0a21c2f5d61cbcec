"""Choices for forms that people fill in rather than type: time zones from the system's zone
database (each with where it is, in the reader's language), languages from settings.LANGUAGES,
real countries (helpdesk.countries). A value outside the choices is refused with the form's
usual error, never stored."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from babel.dates import get_timezone_location
from django import forms
from django.conf import settings
from django.utils import translation

from .countries import real_countries
from .language import babel_locale

# Names in the zone database that are aliases of the system or placeholders, not places.
_NOT_PLACES = {"Factory", "localtime", "posixrules", "posix", "right"}
# Zones named after a place, which the reader's language can name too ("Asia/Shanghai · 中国（上海）时间").
_PLACES = tuple(
    f"{area}/"
    for area in (
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    )
)


@cache
def time_zone_names() -> list[str]:
    """Every IANA zone name a person might choose, sorted: "Africa/Abidjan" … "UTC"."""
    return sorted(name for name in zoneinfo.available_timezones() if name.split("/")[0] not in _NOT_PLACES)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(time_zone_names())


@cache
def time_zone_choices(language: str) -> list[tuple[str, str]]:
    """Each zone with where it is, in `language`; built once per language (about 0.1 s)."""
    locale = babel_locale(language)
    return [
        (name, f"{name} · {get_timezone_location(name, locale=locale)}" if name.startswith(_PLACES) else name)
        for name in time_zone_names()
    ]


def is_time_zone(name: Any) -> bool:
    return isinstance(name, str) and name in _known_zones()


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class TimeZoneField(forms.ChoiceField):
    """A select of the zone database's places, in the active language."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=lambda: time_zone_choices(translation.get_language() or "en"), **kwargs)

    def valid_value(self, value: Any) -> bool:
        return is_time_zone(value)


class CountryField(forms.ChoiceField):
    """One real country, or none when not required."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=_country_choices, **kwargs)


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *real_countries()]
