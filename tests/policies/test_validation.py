"""What each kind must record, amounts in the minor unit, rates of the day, and the policy guards."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from helpdesk.errors import NotAllowed, NotFound, ServiceError
from policies.models import CompensationRequest, ExchangeRate, RequestState
from tickets.models import Attachment

from .conftest import ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "rates")]


def refused(actor, ticket, **fields) -> ServiceError:
    """The request is refused and nothing is stored."""
    before = CompensationRequest.objects.count()
    with pytest.raises(ServiceError) as caught:
        ask(actor, ticket, **fields)
    assert CompensationRequest.objects.count() == before
    return caught.value


@pytest.mark.parametrize(
    ("currency", "amount", "message"),
    [
        ("JPY", "100.5", "JPY amounts have no decimal places."),
        ("EUR", "10.001", "EUR amounts have at most 2 decimal places."),
        ("KWD", "1.0001", "KWD amounts have at most 3 decimal places."),
        ("EUR", "-5.00", "The amount cannot be negative."),
        ("EUR", "ten", "Enter an amount such as 12.50."),
        ("EUR", "NaN", "Enter an amount such as 12.50."),
        ("EUR", "", "Enter the amount."),
    ],
)
def test_over_precise_negative_and_unreadable_amounts_are_refused(actors, make_ticket, currency, amount, message):
    error = refused(actors.l1, make_ticket(currency=currency, total="90000"), amount=amount)
    assert (error.field, error.message) == ("amount", message)


def test_kwd_takes_three_decimals(actors, make_ticket):
    assert ask(actors.l1, make_ticket(currency="KWD", total="900"), amount="1.234").amount == Decimal("1.234")


def test_no_recent_rate_is_a_clear_error(actors, make_ticket, clock):
    # given an EUR rate from eight days ago only (the last seven days are searched)
    ExchangeRate.objects.filter(currency="EUR").update(date=timezone.now().date() - timedelta(days=8))
    error = refused(actors.l1, make_ticket(), amount="10.00")
    assert error.field == "currency"
    assert "no exchange rate for EUR dated between 2026-11-13 and 2026-11-20" in error.message


def test_a_ticket_without_an_order_takes_a_currency(actors, make_ticket):
    ticket = make_ticket(order=None)
    assert refused(actors.l1, ticket, amount="10", currency="XXY").field == "currency"
    assert ask(actors.l1, ticket, amount="1000", currency="JPY").amount_usd == Decimal("10.00")


def test_the_request_is_in_the_orders_currency(actors, make_ticket):
    error = refused(actors.l1, make_ticket(currency="EUR"), amount="10", currency="GBP")
    assert error.field == "currency" and "EUR" in error.message


def test_a_refund_names_its_reason(actors, make_ticket):
    assert refused(actors.l1, make_ticket(), amount="10", reason="").field == "reason"
    assert refused(actors.l1, make_ticket(), amount="10", reason="other").field == "reason_detail"


def test_a_refund_cannot_exceed_the_order(actors, make_ticket):
    assert refused(actors.l1, make_ticket(total="20.00"), amount="20.01").field == "amount"


def test_a_full_refund_is_the_order_total(actors, make_ticket):
    request = ask(actors.l2, make_ticket(total="60.00"), kind="full_refund")
    assert (request.amount, request.amount_usd, request.state) == (Decimal("60.00"), Decimal("75.00"), "approved")
    assert refused(actors.l2, make_ticket(total="60.00"), kind="full_refund", amount="59").field == "amount"
    assert refused(actors.l2, make_ticket(order=None), kind="full_refund", currency="EUR").field == "kind"


def test_coupon_records_type_value_and_validity(actors, make_ticket):
    ticket = make_ticket(total="200.00")
    assert refused(actors.l1, ticket, kind="coupon").field == "coupon_type"
    base = {"kind": "coupon", "coupon_type": "percent", "reason": ""}
    assert refused(actors.l1, ticket, **base, coupon_valid_until="2026-12-31").field == "coupon_percent"
    assert refused(actors.l1, ticket, **base, coupon_percent="5").field == "coupon_valid_until"
    assert refused(actors.l1, ticket, **base, coupon_percent="5", coupon_valid_until="2026-11-20").field == (
        "coupon_valid_until"
    )
    assert refused(actors.l1, ticket, **base, coupon_percent="101", coupon_valid_until="2026-12-31").field == (
        "coupon_percent"
    )
    # a percent coupon is worth its share of the order: 5 % of EUR 200 = EUR 10 = USD 12.50
    percent = ask(actors.l1, ticket, **base, coupon_percent="5", coupon_valid_until="2026-12-31")
    assert (percent.amount, percent.amount_usd, percent.state) == (Decimal("10.00"), Decimal("12.50"), "approved")
    amount = ask(
        actors.l1,
        ticket,
        kind="coupon",
        coupon_type="amount",
        amount="8.00",
        reason="",
        coupon_valid_until="2027-01-31",
    )
    assert amount.amount_usd == Decimal("10.00")


def test_a_percent_coupon_without_an_order_waits_for_a_supervisor(actors, make_ticket):
    request = ask(
        actors.l1,
        make_ticket(order=None),
        kind="coupon",
        coupon_type="percent",
        coupon_percent="5",
        coupon_valid_until="2026-12-31",
        currency="EUR",
        reason="",
    )
    assert request.waiting_reasons == ["unknown_value"]


def test_reshipment_lists_its_items_and_gift_describes_itself(actors, make_ticket):
    assert refused(actors.l2, make_ticket(), kind="reshipment", amount="10").field == "items"
    assert refused(actors.l1, make_ticket(), kind="gift", amount="5", reason="").field == "description"
    assert refused(actors.l1, make_ticket(), kind="gift", description="Tote bag", reason="").field == "amount"


def test_a_public_reply_needs_its_text(actors, make_ticket):
    assert refused(actors.l1, make_ticket(), amount="5", message_mode="reply").field == "message"


def test_a_damaged_goods_claim_needs_a_photo_on_the_ticket(actors, make_ticket):
    # given a ticket with only a PDF receipt
    ticket = make_ticket()
    Attachment.objects.create(
        ticket=ticket, token="t1", original_name="receipt.pdf", content_type="application/pdf", size=10, sha256="0" * 64
    )
    # when a refund for damaged goods is asked: refused for want of a photo
    error = refused(actors.l1, ticket, amount="10", reason="damaged")
    assert error.field == "reason" and "photo" in error.message
    # then with a photo attached it goes through
    Attachment.objects.create(
        ticket=ticket, token="t2", original_name="box.jpg", content_type="image/jpeg", size=10, sha256="1" * 64
    )
    assert ask(actors.l1, ticket, amount="10", reason="damaged").state == RequestState.APPROVED


RETURN = {"kind": "return_exchange", "reason": "", "is_exchange": True}


def test_a_return_within_7_days_of_delivery_is_in_an_l2_agents_hands(actors, make_ticket):
    ticket = make_ticket()
    ticket.order.delivered_at = timezone.now() - timedelta(days=7)
    ticket.order.save()
    assert ask(actors.l2, ticket, **RETURN, amount="6.00").state == RequestState.APPROVED


def test_a_return_after_7_days_needs_a_supervisor_whatever_the_tier(actors, make_ticket):
    ticket = make_ticket()
    ticket.order.delivered_at = timezone.now() - timedelta(days=7, minutes=1)
    ticket.order.save()
    request = ask(actors.l3, ticket, **RETURN, amount="0")
    assert (request.state, request.waiting_reasons) == (RequestState.PENDING, ["late_return"])


def test_without_a_delivery_date_the_window_runs_from_placed_plus_14_days(actors, make_ticket):
    ticket = make_ticket()
    ticket.order.placed_at = timezone.now() - timedelta(days=20)  # assumed delivered 6 days ago
    ticket.order.save()
    assert ask(actors.l2, ticket, **RETURN).state == RequestState.APPROVED
    ticket.order.placed_at = timezone.now() - timedelta(days=22)  # assumed delivered 8 days ago
    ticket.order.save()
    assert ask(actors.l2, ticket, **RETURN).state == RequestState.PENDING


def test_a_return_the_customer_pays_costs_nothing(actors, make_ticket):
    error = refused(actors.l2, make_ticket(), **RETURN, customer_pays_return_shipping=True, amount="5.00")
    assert error.field == "amount"


def test_only_agents_who_see_the_ticket_may_ask(actors, make_ticket):
    with pytest.raises(NotFound):
        ask(actors.other_team_agent, make_ticket(), amount="5")
    customer_user = type(actors.admin).objects.create_user("shopper", "s@example.com", "pw")
    with pytest.raises(NotAllowed):
        ask(customer_user, make_ticket(), amount="5")


def test_a_closed_ticket_gets_no_compensation(actors, make_ticket):
    assert refused(actors.l1, make_ticket(status="closed"), amount="5").message == (
        "A closed ticket cannot get compensation."
    )
