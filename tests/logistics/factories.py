"""factory-boy factories of the parcel-tracking app."""

from __future__ import annotations

import factory

from logistics.models import Shipment
from tests.tickets.factories import OrderFactory


class ShipmentFactory(factory.django.DjangoModelFactory):
    """A parcel of an order, as an agent adds it by its tracking number (carrier not yet known)."""

    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    tracking_number = factory.Sequence(lambda n: f"TRK{n:06d}")
