from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


@register.filter
def minutes(value: Any) -> str:
    return "—" if value is None else f"{value / 60:.0f}"


@register.filter
def hours(value: Any) -> str:
    return "—" if value is None else f"{value / 3600:.1f}"


@register.filter
def one_decimal(value: Any) -> str:
    return "—" if value is None else f"{value:.1f}"
