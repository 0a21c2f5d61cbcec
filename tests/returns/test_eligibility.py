"""Eligibility from facts: the delivered scan, counted in calendar days in the customer's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpdesk.errors import ServiceError
from returns.models import ReturnState

from .conftest import ask, photo

pytestmark = pytest.mark.django_db

# 14:30 UTC: 23:30 in Tokyo on 1 March, 09:30 in New York the same day.
DELIVERED = datetime(2026, 11, 1, 14, 30, tzinfo=UTC)
# 16:00 UTC seven days later: already 9 November (01:00) in Tokyo, still 8 November (11:00) in New York.
NOW = datetime(2026, 11, 8, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "allowed"), [("America/New_York", True), ("Asia/Tokyo", False)])
def test_the_seven_days_are_the_customers_calendar_days(actors, make_ticket, clock, zone, allowed):
    clock.move_to(NOW)
    actors.customer.time_zone = zone
    actors.customer.save()
    ticket = make_ticket(delivered=DELIVERED)
    if allowed:
        ret = ask(ticket, actors.l2)
        assert ret.state == ReturnState.REQUESTED and ret.days_since_delivery == 7
        assert ret.return_shipping_paid_by == "customer"
    else:
        with pytest.raises(ServiceError, match=r"within 7 days of delivery.*8 days ago"):
            ask(ticket, actors.l2)


def test_a_faulty_item_may_come_back_after_seven_days_and_ships_free(actors, make_ticket, clock):
    clock.move_to(NOW)
    ret = ask(make_ticket(delivered=DELIVERED), actors.l2, reason="wrong_item")
    assert ret.return_shipping_paid_by == "shop"


def test_damage_needs_a_photo_on_the_ticket(actors, make_ticket):
    ticket = make_ticket()
    with pytest.raises(ServiceError, match="photo"):
        ask(ticket, actors.l2, reason="damaged")
    photo(ticket)
    assert ask(ticket, actors.l2, reason="damaged").reason == "damaged"


def test_no_return_before_delivery(actors, make_ticket):
    with pytest.raises(ServiceError, match="no recorded delivery"):
        ask(make_ticket(delivered=None), actors.l2)


def test_the_items_and_amount_are_checked(actors, make_ticket):
    ticket = make_ticket()
    with pytest.raises(ServiceError, match="SKU"):
        ask(ticket, actors.l2, items=[])
    with pytest.raises(ServiceError, match="order total"):
        ask(ticket, actors.l2, refund_amount="41.00")
