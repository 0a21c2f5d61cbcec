"""Starting data: well-known carriers and the default exception rules (all admin-editable).

Used by the data migration and by tests after a flush; safe to run again (get_or_create).
17TRACK codes are filled in only where a real payload or 17TRACK's list confirmed them; a code
missing here is learnt from the first payload that names it (services.carriers).
"""

from __future__ import annotations

from typing import Any

# name, AfterShip slug, 17TRACK code, number patterns, usual service type
CARRIERS: list[tuple[str, str, int | None, list[str], str]] = [
    ("DHL Express", "dhl", 100001, [r"^[0-9]{10}$"], "express"),
    ("UPS", "ups", 100002, [r"^1Z[0-9A-Z]{16}$"], "express"),
    ("FedEx", "fedex", 100003, [r"^[0-9]{12}$", r"^[0-9]{15}$"], "express"),
    ("China Post", "china-post", 3011, [r"^[A-DF-Z][A-Z][0-9]{9}CN$"], "postal"),
    ("China EMS", "china-ems", 3013, [r"^E[A-Z][0-9]{9}CN$"], "express"),
    ("YunExpress", "yunexpress", 190008, [r"^YT[0-9]{16}$"], "dedicated_line"),
    ("Cainiao", "cainiao", None, [r"^LP[0-9]{14}$"], "dedicated_line"),
    ("USPS", "usps", 21051, [r"^9[2-5][0-9]{20}$", r"^[A-Z]{2}[0-9]{9}US$"], "postal"),
    ("Royal Mail", "royal-mail", None, [r"^[A-Z]{2}[0-9]{9}GB$"], "postal"),
    ("Deutsche Post DHL", "dhl-germany", 7041, [r"^[A-Z]{2}[0-9]{9}DE$"], "postal"),
    ("La Poste Colissimo", "la-poste-colissimo", None, [r"^[A-Z]{2}[0-9]{9}FR$"], "postal"),
    ("Japan Post", "japan-post", None, [r"^[A-Z]{2}[0-9]{9}JP$"], "postal"),
]

# kind, service type, threshold hours, expected delay days, priority (2 normal, 3 high), offer coupon
RULES: list[tuple[str, str, int | None, int | None, int, bool]] = [
    ("customs_held", "", 72, 3, 2, True),
    ("customs_issue", "", None, 5, 3, False),
    ("stalled", "", 7 * 24, 5, 2, True),
    ("stalled", "express", 4 * 24, 3, 2, True),
    ("stalled", "dedicated_line", 7 * 24, 5, 2, True),
    ("stalled", "postal", 10 * 24, 7, 2, True),
    ("failed_attempt", "", None, 2, 2, False),
    ("returned", "", None, None, 3, False),
    ("lost", "", None, None, 3, False),
    ("damaged", "", None, None, 3, False),
    ("other", "", None, 3, 2, False),
]


def seed_defaults(carrier_model: Any, rule_model: Any) -> None:
    for name, slug, code, patterns, service in CARRIERS:
        carrier_model.objects.get_or_create(
            aftership_slug=slug,
            defaults={
                "name": name,
                "seventeentrack_code": code,
                "tracking_patterns": patterns,
                "default_service_type": service,
            },
        )
    for kind, service, hours, delay, priority, coupon in RULES:
        rule_model.objects.get_or_create(
            kind=kind,
            destination_country="",
            service_type=service,
            defaults={
                "threshold_hours": hours,
                "expected_delay_days": delay,
                "ticket_priority": priority,
                "offer_coupon": coupon,
            },
        )
