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
    ("customs_delay", "", None, 5, 2, True),
    ("duties_held", "", None, 5, 3, False),
    ("documents_missing", "", None, 5, 3, False),
    ("tracking_stopped", "", None, 5, 2, True),
    ("address_problem", "", None, 3, 3, False),
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


# Carrier-reported codes that are exceptions of our kinds the moment they arrive: every AfterShip
# Exception_* and AttemptFail_* subtag and every 17TRACK exception or failed-delivery sub-status.
EXCEPTION_CODES: list[tuple[str, str, str]] = [
    ("aftership", "AttemptFail_001", "failed_attempt"),
    ("aftership", "AttemptFail_002", "failed_attempt"),
    ("aftership", "AttemptFail_003", "failed_attempt"),
    ("aftership", "Exception_001", "other"),
    ("aftership", "Exception_002", "address_problem"),
    ("aftership", "Exception_003", "failed_attempt"),
    ("aftership", "Exception_004", "customs_delay"),
    ("aftership", "Exception_005", "other"),
    ("aftership", "Exception_006", "duties_held"),
    ("aftership", "Exception_007", "address_problem"),
    ("aftership", "Exception_008", "failed_attempt"),
    ("aftership", "Exception_009", "other"),
    ("aftership", "Exception_010", "returned"),
    ("aftership", "Exception_011", "returned"),
    ("aftership", "Exception_012", "damaged"),
    ("aftership", "Exception_013", "lost"),
    ("aftership", "Exception_016", "other"),
    ("aftership", "Exception_017", "other"),
    ("aftership", "Exception_018", "documents_missing"),
    ("aftership", "Exception_021", "lost"),
    ("17track", "InTransit_CustomsRequiringInformation", "documents_missing"),
    ("17track", "DeliveryFailure_Other", "failed_attempt"),
    ("17track", "DeliveryFailure_NoBody", "failed_attempt"),
    ("17track", "DeliveryFailure_Security", "customs_issue"),
    ("17track", "DeliveryFailure_Rejected", "failed_attempt"),
    ("17track", "DeliveryFailure_InvalidAddress", "address_problem"),
    ("17track", "Exception_Other", "other"),
    ("17track", "Exception_Returning", "returned"),
    ("17track", "Exception_Returned", "returned"),
    ("17track", "Exception_NoBody", "failed_attempt"),
    ("17track", "Exception_Security", "customs_issue"),
    ("17track", "Exception_Damage", "damaged"),
    ("17track", "Exception_Rejected", "failed_attempt"),
    ("17track", "Exception_Delayed", "other"),
    ("17track", "Exception_Lost", "lost"),
    ("17track", "Exception_Destroyed", "lost"),
    ("17track", "Exception_Cancel", "other"),
]


def seed_exception_codes(code_model: Any) -> None:
    for sender, code, kind in EXCEPTION_CODES:
        code_model.objects.get_or_create(sender=sender, code=code, defaults={"kind": kind})


def seed_defaults(carrier_model: Any, rule_model: Any, code_model: Any = None) -> None:
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
    if code_model is not None:
        seed_exception_codes(code_model)
