"""An agent takes a customer's return from the request on the ticket to the refund, and the customer
gets the refund email in their language (the customer's own request from the order page is in
test_customer_return.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from logistics.models import Carrier
from returns.models import ReturnAddress, ReturnRequest, ReturnState
from tests.factories import OrderFactory, TicketFactory
from tests.policies.factories import ExchangeRateFactory
from tests.returns.conftest import deliver

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ticket(transactional_db, teams, actors):
    ExchangeRateFactory(currency="EUR", units_per_usd=Decimal("0.8"))
    ReturnAddress.objects.create(country="DE", name="Returns Centre", address="Lagerstr. 1\n12345 Berlin")
    order = OrderFactory(
        customer=actors.customer, currency="EUR", total=Decimal("40.00"), ship_to_country="DE",
        placed_at=timezone.now() - timedelta(days=6),
    )  # fmt: skip
    deliver(order, timezone.now() - timedelta(days=2))
    return TicketFactory(customer=actors.customer, team=teams.europe, order=order, language="de", assignee=actors.l2)


def step(page, name: str) -> None:
    page.locator("#panel-returns").get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def test_an_agent_takes_a_return_from_request_to_refund(page, log_in, ticket, actors):
    log_in("l2")
    page.goto(ticket.get_absolute_url())
    panel = page.locator("#panel-returns")
    panel.get_by_text("Request a return or exchange").click()
    panel.get_by_label("Reason").select_option("no_reason")
    panel.get_by_label("Items").fill("TS-42 1")
    step(page, "Request")
    expect(page.locator("#panel-returns .badge")).to_have_text("Requested")
    step(page, "Approve")
    expect(page.locator("#panel-returns .badge")).to_have_text("Approved")
    panel = page.locator("#panel-returns")
    form = panel.locator('form[data-step="label"]')
    form.get_by_label("Tracking number").fill("RET1234567")
    form.get_by_label("Carrier").select_option(label=Carrier.objects.order_by("name").first().name)
    form.get_by_label("Label link").fill("https://carrier.example/label/1")
    step(page, "Send the label")
    expect(page.locator("#panel-returns .badge")).to_have_text("Label sent")
    step(page, "Record receipt")
    expect(page.locator("#panel-returns .badge")).to_have_text("Received")
    step(page, "Record inspection")
    expect(page.locator("#panel-returns .badge")).to_have_text("Inspected")
    step(page, "Pay the refund")
    expect(page.locator("#panel-returns .badge")).to_have_text("Refunded")

    assert ReturnRequest.objects.get(ticket=ticket).state == ReturnState.REFUNDED
    refund = [m for m in mail.outbox if "Rückerstattung" in m.body]
    assert len(refund) == 1 and refund[0].to == ["lena@example.de"]
    assert "40,00" in refund[0].body
