"""The factories of every app, under the names the tests have always imported. Each app's own are
in tests/<app>/factories.py; import from there in new tests."""

from tests.feedback.factories import SurveyInvitationFactory
from tests.logistics.factories import ShipmentFactory
from tests.policies.factories import ExchangeRateFactory
from tests.tickets.factories import (
    CategoryFactory,
    CategoryFieldFactory,
    CustomerFactory,
    OrderFactory,
    TeamFactory,
    TicketFactory,
    UserFactory,
    make_platform,
    make_staff,
)

__all__ = [
    "CategoryFactory",
    "CategoryFieldFactory",
    "CustomerFactory",
    "ExchangeRateFactory",
    "OrderFactory",
    "ShipmentFactory",
    "SurveyInvitationFactory",
    "TeamFactory",
    "TicketFactory",
    "UserFactory",
    "make_platform",
    "make_staff",
]
