from __future__ import annotations

import zoneinfo
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from helpdesk.language import normalise_language

from ..models import Customer, Order

__all__ = ["customer_get_or_create", "normalise_language", "order_create"]


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(_("Enter a valid email address."), field="email") from None
    return email


def customer_get_or_create(
    *,
    email: str,
    name: str = "",
    language: str | None = None,
    country: str = "",
    time_zone: str = "",
    external_ids: dict[str, Any] | None = None,
) -> Customer:
    """The customer with this email (any case), created when new; known fields are not overwritten."""
    email = _clean_email(email)
    name = " ".join((name or "").split())[:200] or email.split("@")[0]
    country = (country or "").strip().upper()[:2]
    if time_zone:
        try:
            zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ServiceError(_("Unknown time zone."), field="time_zone") from None
    existing = Customer.objects.filter(email__iexact=email).first()
    if existing is not None:
        if external_ids:
            merged = {**existing.external_ids, **external_ids}
            if merged != existing.external_ids:
                existing.external_ids = merged
                existing.save(update_fields=["external_ids"])
        return existing
    try:
        with transaction.atomic():
            return Customer.objects.create(
                email=email,
                name=name,
                language=normalise_language(language),
                country=country,
                time_zone=time_zone or "UTC",
                external_ids=external_ids or {},
            )
    except IntegrityError:  # created meanwhile by a concurrent request
        return Customer.objects.get(email__iexact=email)


def _money(amount: Any, currency: str) -> tuple[Decimal, str]:
    from helpdesk.money import currency_exponent

    currency = (currency or "").strip().upper()
    exponent = currency_exponent(currency)
    if exponent is None:
        raise ServiceError(_("Unknown currency code."), field="currency")
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Enter a valid amount."), field="total") from None
    if not value.is_finite() or value < 0:
        raise ServiceError(_("Enter a valid amount."), field="total")
    if value != value.quantize(Decimal(1).scaleb(-exponent)):
        raise ServiceError(
            _("%(currency)s amounts have at most %(places)d decimal places.")
            % {"currency": currency, "places": exponent},
            field="total",
        )
    return value, currency


@transaction.atomic
def order_create(
    *,
    customer: Customer,
    external_number: str,
    currency: str,
    total: Any,
    placed_at: datetime,
    platform: str = "web",
    ship_to_country: str = "",
) -> Order:
    external_number = (external_number or "").strip()
    if not external_number:
        raise ServiceError(_("The order number is required."), field="external_number")
    value, currency = _money(total, currency)
    if Order.objects.filter(platform=platform, external_number=external_number).exists():
        raise ServiceError(_("This order already exists."), field="external_number")
    return Order.objects.create(
        customer=customer,
        platform=platform,
        external_number=external_number,
        currency=currency,
        total=value,
        placed_at=placed_at,
        ship_to_country=(ship_to_country or customer.country).upper()[:2],
    )
