"""The app's settings, read with defaults so the app runs before the project's settings name them.

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
    value: Any = getattr(settings, name, None) or []
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def aftership_secrets() -> list[str]:
    return _list("AFTERSHIP_WEBHOOK_SECRETS")


def seventeentrack_keys() -> list[str]:
    return _list("SEVENTEENTRACK_API_KEYS")


def webhook_max_bytes() -> int:
    return int(getattr(settings, "LOGISTICS_WEBHOOK_MAX_BYTES", 1024 * 1024))


def category_slug() -> str:
    return str(getattr(settings, "LOGISTICS_CATEGORY_SLUG", "logistics"))


def automation_tier() -> str:
    return str(getattr(settings, "LOGISTICS_AUTOMATION_TIER", "L1"))


def coupon_valid_days() -> int:
    return int(getattr(settings, "LOGISTICS_COUPON_VALID_DAYS", 90))


def match_order_reference() -> bool:
    return bool(getattr(settings, "LOGISTICS_MATCH_ORDER_REFERENCE", True))


def retention_days() -> int:
    return int(getattr(settings, "LOGISTICS_WEBHOOK_RETENTION_DAYS", 30))
