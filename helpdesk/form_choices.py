"""Choices for forms that non-programmers fill in: time zones from the system's zone database,
languages from settings.LANGUAGES, real countries (helpdesk.countries). A value outside the
choices is refused with the form's usual error, never stored."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .countries import real_countries

# Names of the zone database that are no places: copies for other systems, and "no zone" markers.
_NOT_PLACES = ("posix/", "right/", "SystemV/")
_NOT_PLACE_NAMES = {"Factory", "localtime", "posixrules"}


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in _NOT_PLACE_NAMES and not name.startswith(_NOT_PLACES)
    )


def time_zone_choices() -> list[tuple[str, Any]]:
    """Zones grouped by their area ("Europe", "Asia", ...), with UTC first."""
    groups: dict[str, list[tuple[str, str]]] = {}
    others: list[tuple[str, str]] = []
    for name in sorted(time_zones()):
        if "/" in name:
            groups.setdefault(name.split("/", 1)[0], []).append((name, name.replace("_", " ")))
        elif name != "UTC":
            others.append((name, name))
    return [("UTC", "UTC"), *sorted(groups.items()), (str(_("Other zones")), others)]


def is_time_zone(name: str) -> bool:
    return name in time_zones()


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=time_zone_choices, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and is_time_zone(value)


class CountryField(forms.ChoiceField):
    """One real country, or none when not required."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=_country_choices, **kwargs)


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *real_countries()]
