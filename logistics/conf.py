"""The app's settings, read from the project settings (helpdesk/settings/ holds their defaults).

AFTERSHIP_WEBHOOK_SECRETS      list of webhook secrets; two during a rotation (default: none, all refused)
SEVENTEENTRACK_API_KEYS        list of 17TRACK API keys, likewise
LOGISTICS_WEBHOOK_MAX_BYTES    largest body accepted (default 1 MiB; 17TRACK bodies are ~10-60 KB)
LOGISTICS_CATEGORY_SLUG        the ticket category of proactive tickets (default "logistics")
LOGISTICS_AUTOMATION_TIER      tier whose authority automatic coupon proposals have (default "L1")
LOGISTICS_COUPON_VALID_DAYS    validity of a proposed coupon (default 90)
LOGISTICS_MATCH_ORDER_REFERENCE  create a shipment for an unknown number whose payload names exactly
                               one known order (default True)
LOGISTICS_WEBHOOK_RETENTION_DAYS  raw bodies of processed deliveries are deleted after this (default 30)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _list(name: str) -> list[str]:
    value: Any = getattr(settings, name) or []  # the name varies
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def aftership_secrets() -> list[str]:
    return _list("AFTERSHIP_WEBHOOK_SECRETS")


def seventeentrack_keys() -> list[str]:
    return _list("SEVENTEENTRACK_API_KEYS")


def webhook_max_bytes() -> int:
    return int(settings.LOGISTICS_WEBHOOK_MAX_BYTES)


def category_slug() -> str:
    return str(settings.LOGISTICS_CATEGORY_SLUG)


def automation_tier() -> str:
    return str(settings.LOGISTICS_AUTOMATION_TIER)


def coupon_valid_days() -> int:
    return int(settings.LOGISTICS_COUPON_VALID_DAYS)


def match_order_reference() -> bool:
    return bool(settings.LOGISTICS_MATCH_ORDER_REFERENCE)


def retention_days() -> int:
    return int(settings.LOGISTICS_WEBHOOK_RETENTION_DAYS)
