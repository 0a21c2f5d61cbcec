"""The exception rules and the carriers' exception codes (data, edited in the admin), read at most
every 30 s per process."""

from __future__ import annotations

import time

from ..models import CarrierExceptionCode, ExceptionRule, Shipment

RULES_TTL_SECONDS = 30.0
_rules_cache: tuple[float, list[ExceptionRule]] | None = None
_codes_cache: tuple[float, dict[str, str]] | None = None


def rules_cache_clear(**_kwargs: object) -> None:
    global _rules_cache, _codes_cache
    _rules_cache = None
    _codes_cache = None


def reported_kinds() -> dict[str, str]:
    """ "sender:code" -> kind of every active carrier exception code, read like the rules."""
    global _codes_cache
    if _codes_cache is None or time.monotonic() - _codes_cache[0] > RULES_TTL_SECONDS:
        rows = CarrierExceptionCode.objects.filter(is_active=True).values_list("sender", "code", "kind")
        _codes_cache = (time.monotonic(), {f"{sender}:{code}": kind for sender, code, kind in rows})
    return _codes_cache[1]


def reported_kind(shipment: Shipment) -> str | None:
    """The kind the carrier itself reported with the event that set the status; None when its code
    is not a listed one (then the normalised status decides)."""
    return reported_kinds().get(shipment.reported_code) if shipment.reported_code else None


def all_rules() -> list[ExceptionRule]:
    """Every rule, read at most every 30 s per process (edits in this process clear it at once)."""
    global _rules_cache
    if _rules_cache is None or time.monotonic() - _rules_cache[0] > RULES_TTL_SECONDS:
        _rules_cache = (time.monotonic(), list(ExceptionRule.objects.all()))
    return _rules_cache[1]


def rule_for(
    kind: str, country: str, service_type: str, rules: list[ExceptionRule] | None = None
) -> ExceptionRule | None:
    """The most specific rule for the kind where the shipment goes; None (or an inactive rule) = off."""
    fitting = [
        r
        for r in (rules if rules is not None else all_rules())
        if r.kind == kind and r.destination_country in ("", country) and r.service_type in ("", service_type)
    ]
    return max(fitting, key=lambda r: r.specificity) if fitting else None
