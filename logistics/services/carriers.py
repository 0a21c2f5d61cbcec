"""Carriers: learnt from webhook payloads, guessed from a number's format, and the service type
read from the sender's service name."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from ..choices import Sender, ServiceType
from ..formats import ParsedUpdate
from ..models import Carrier

# Checked in this order: a "YunExpress ... Direct Line" is a dedicated line, not express.
_SERVICE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    (ServiceType.DEDICATED_LINE, re.compile(r"direct\s*line|dedicated|special\s*line|专线", re.I)),
    (ServiceType.POSTAL, re.compile(r"e-?packet|\bpost|\bmail\b|registered|small\s*packet|\bpacket\b|邮", re.I)),
    (ServiceType.EXPRESS, re.compile(r"\bexpress\b|\bpriority\b|\bovernight\b|\bworldwide\b", re.I)),
]


def service_type_for(service_name: str, carrier: Carrier | None) -> str:
    """The service type a sender's service name suggests, else the carrier's usual one."""
    for service, pattern in _SERVICE_WORDS:
        if service_name and pattern.search(service_name):
            return str(service)
    return carrier.default_service_type if carrier is not None else ""


def carrier_for_update(update: ParsedUpdate) -> Carrier | None:
    """The carrier a payload names, created on first sight (the admin can complete it later)."""
    code = update.carrier_code
    if not code:
        return None
    if update.sender == Sender.AFTERSHIP:
        lookup: dict[str, object] = {"aftership_slug": code}
        name = code.replace("-", " ").title()
    else:
        lookup = {"seventeentrack_code": int(code)}
        name = update.carrier_name or f"17TRACK {code}"
    carrier = Carrier.objects.filter(**lookup).first()
    if carrier is not None:
        return carrier
    try:
        with transaction.atomic():
            return Carrier.objects.create(name=name[:100], **lookup)
    except IntegrityError:  # created meanwhile by a concurrent delivery
        return Carrier.objects.filter(**lookup).first()


def carriers_matching(number: str) -> list[Carrier]:
    return [c for c in Carrier.objects.filter(is_active=True).order_by("name") if c.matches(number)]


def carrier_guess(number: str) -> Carrier | None:
    """The carrier whose number format fits, when exactly one does."""
    matching = carriers_matching(number)
    return matching[0] if len(matching) == 1 else None
