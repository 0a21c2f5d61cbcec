"""factory-boy factories of the compensation app."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from policies.models import ExchangeRate


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    """A stored rate for the support centre's today (units of `currency` per US dollar)."""

    class Meta:
        model = ExchangeRate

    currency = "EUR"
    date = factory.LazyFunction(lambda: timezone.now().date())
    units_per_usd = Decimal("0.8")
    source = "test"
