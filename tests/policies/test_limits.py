"""Tier limits in USD, checked in the order's currency at the day's stored rate ."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policies import services
from policies.models import CompensationGrant, RequestState

from .conftest import RATES, ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "rates")]


@pytest.mark.parametrize(
    ("currency", "at_limit", "just_over"),
    [("EUR", "40.00", "40.01"), ("JPY", "5000", "5001"), ("GBP", "37.50", "37.51")],
)
def test_l1_grants_exactly_usd_50_at_once_and_one_cent_more_waits(actors, make_ticket, currency, at_limit, just_over):
    # given two tickets with orders in the currency, and the day's rate making USD 50 exact
    first, second = make_ticket(currency=currency, total="90000"), make_ticket(currency=currency, total="90000")

    # when an L1 agent asks for exactly USD 50.00 on one and USD 50.01 on the other
    within = ask(actors.l1, first, amount=at_limit)
    above = ask(actors.l1, second, amount=just_over)

    # then the first is approved at once and the second waits for a supervisor
    assert (within.state, within.amount_usd) == (RequestState.APPROVED, Decimal("50.00"))
    assert (above.state, above.amount_usd) == (RequestState.PENDING, Decimal("50.01"))
    assert above.waiting_reasons == ["over_limit"]
    assert within.rate == Decimal(RATES[currency])
    assert CompensationGrant.objects.filter(request=within).exists()
    assert not CompensationGrant.objects.filter(request=above).exists()


def test_l2_limit_is_usd_100(actors, make_ticket):
    within = ask(actors.l2, make_ticket(), amount="80.00")  # EUR 80 = USD 100.00
    above = ask(actors.l2, make_ticket(), amount="80.01")  # = USD 100.0125 -> 100.01
    assert within.state == RequestState.APPROVED
    assert (above.state, above.amount_usd) == (RequestState.PENDING, Decimal("100.01"))


def test_l3_money_above_usd_100_still_needs_a_supervisor(actors, make_ticket):
    assert ask(actors.l3, make_ticket(), amount="80.00").state == RequestState.APPROVED
    assert ask(actors.l3, make_ticket(), amount="80.01").state == RequestState.PENDING


def test_usd_needs_no_stored_rate(actors, make_ticket):
    request = ask(actors.l1, make_ticket(currency="USD"), amount="50.00")
    assert (request.state, request.rate, request.amount_usd) == (RequestState.APPROVED, 1, Decimal("50.00"))


def test_conversion_rounds_half_up_to_cents():
    assert services.usd_value(Decimal("50.005"), Decimal("1")) == Decimal("50.01")
    assert services.usd_value(Decimal("50.004"), Decimal("1")) == Decimal("50.00")
    assert services.usd_value(Decimal("1"), Decimal("3")) == Decimal("0.33")
    assert services.usd_value(Decimal("2"), Decimal("3")) == Decimal("0.67")


def test_kwd_half_cent_rounds_up_over_the_limit(actors, make_ticket):
    # KWD has three decimals: 50.005 is USD 50.005, rounded half-up to 50.01
    assert ask(actors.l1, make_ticket(currency="KWD", total="900.000"), amount="50.004").state == "approved"
    assert ask(actors.l1, make_ticket(currency="KWD", total="900.000"), amount="50.005").state == "pending"


def test_usd_120_cannot_be_split_into_three_usd_40_requests_on_one_ticket(actors, make_ticket):
    ticket = make_ticket()
    states = [ask(actors.l1, ticket, amount="32.00").state for _ in range(3)]  # EUR 32 = USD 40
    assert states == [RequestState.APPROVED, RequestState.PENDING, RequestState.PENDING]


def test_the_limit_counts_other_tickets_of_the_same_order(actors, make_ticket):
    # given two tickets about the same order
    first = make_ticket()
    second = make_ticket(order=first.order)
    # when USD 40 is granted on the first, USD 40 more on the second
    assert ask(actors.l1, first, amount="32.00").state == RequestState.APPROVED
    later = ask(actors.l1, second, amount="32.00")
    # then the second waits: USD 80 on the order is above L1's USD 50
    assert later.state == RequestState.PENDING
    assert services.committed_usd(ticket_id=second.pk, order_id=first.order_id) == Decimal("80.00")


def test_another_agent_on_the_same_ticket_counts_too(actors, make_ticket):
    ticket = make_ticket()
    ask(actors.l2, ticket, amount="32.00")
    assert ask(actors.l1, ticket, amount="16.00").state == RequestState.PENDING  # 40 + 20 > 50


def test_a_rejected_request_is_not_counted(actors, make_ticket):
    # given USD 40 approved and USD 40 waiting on a ticket
    ticket = make_ticket()
    ask(actors.l1, ticket, amount="32.00")
    waiting = ask(actors.l1, ticket, amount="32.00")
    assert ask(actors.l1, ticket, amount="8.00").state == RequestState.PENDING  # pending counts: 40+40+10
    # when the supervisor rejects the waiting request
    services.compensation_request_decide(
        request=waiting, actor=actors.supervisor, decision="rejected", comment="Too much for a late parcel"
    )
    # then only the approved USD 40 and the waiting USD 10 count
    assert services.committed_usd(ticket_id=ticket.pk, order_id=ticket.order_id) == Decimal("50.00")


def test_after_a_rejection_the_freed_room_can_be_granted(actors, make_ticket):
    ticket = make_ticket()
    ask(actors.l1, ticket, amount="32.00")  # USD 40 approved
    waiting = ask(actors.l1, ticket, amount="32.00")  # USD 40 waits
    services.compensation_request_decide(request=waiting, actor=actors.supervisor, decision="rejected", comment="No")
    assert ask(actors.l1, ticket, amount="8.00").state == RequestState.APPROVED  # 40 + 10 = 50


def test_a_kind_beyond_the_tier_waits_whatever_the_amount(actors, make_ticket):
    reship = {"kind": "reshipment", "items": "1 x blue mug", "amount": "8.00", "reason": "lost"}
    assert ask(actors.l1, make_ticket(), **reship).waiting_reasons == ["kind_not_allowed"]
    assert ask(actors.l2, make_ticket(), **reship).state == RequestState.APPROVED


def test_tier_limits_are_data(actors, make_ticket):
    from policies.models import TierAuthority

    TierAuthority.objects.filter(tier="L1").update(limit_usd=Decimal("20.00"))
    assert ask(actors.l1, make_ticket(), amount="16.01").state == RequestState.PENDING
    assert ask(actors.l1, make_ticket(), amount="16.00").state == RequestState.APPROVED
