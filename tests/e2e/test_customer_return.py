"""A return from the customer's own request to the refund email: the customer asks on the order page
(German), an agent takes it through approval, label, receipt and inspection to the refund, and the
customer is told in German at the end."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from logistics.models import Carrier
from returns.models import ReturnAddress, ReturnRequest, ReturnState
from tests.factories import OrderFactory
from tests.policies.factories import ExchangeRateFactory
from tests.returns.conftest import deliver

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def order(transactional_db, teams, actors):
    ExchangeRateFactory(currency="EUR", units_per_usd=Decimal("0.8"))
    ReturnAddress.objects.create(country="DE", name="Returns Centre", address="Lagerstr. 1\n12345 Berlin")
    order = OrderFactory(
        customer=actors.customer, external_number="DE-5001", currency="EUR", total=Decimal("40.00"),
        ship_to_country="DE", placed_at=timezone.now() - timedelta(days=6),
    )  # fmt: skip
    deliver(order, timezone.now() - timedelta(days=2))
    return order


def step(page, name: str) -> None:
    page.locator("#panel-returns").get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def test_a_customers_return_request_ends_in_the_refund_email(new_page, order, actors):
    cache.clear()  # the rate limits of earlier tests
    customer = new_page()
    customer.goto("/support/orders/?lang=de")
    customer.get_by_label("Bestellnummer").fill("DE-5001")
    customer.get_by_label("E-Mail-Adresse").fill("lena@example.de")
    customer.get_by_role("button", name="Code senden").click()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert code is not None
    customer.get_by_label("Der 6-stellige Code aus unserer E-Mail").fill(code.group(1))
    customer.get_by_role("button", name="Meine Bestellung anzeigen").click()
    expect(customer.get_by_role("heading", name="Bestellung DE-5001")).to_be_visible()
    request = customer.locator('form[action*="return"]')
    request.locator("textarea, input[type=text]").first.fill("TS-42")
    request.locator("button[type=submit]").click()
    expect(customer.locator(".return-policy")).to_contain_text("Eine Rücksendung dieser Bestellung läuft")
    ret = ReturnRequest.objects.get(order=order)
    assert ret.state == ReturnState.REQUESTED and ret.requested_by is None

    agent = new_page()
    agent.goto("/accounts/login/")
    agent.get_by_label("Username").fill("l2")
    agent.get_by_label("Password").fill("pw")
    agent.get_by_role("button", name="Sign in").click()
    expect(agent.get_by_role("heading", name="Queue")).to_be_visible()
    agent.goto(ret.ticket.get_absolute_url())
    expect(agent.locator("#panel-returns .badge")).to_have_text("Requested")
    step(agent, "Approve")
    expect(agent.locator("#panel-returns .badge")).to_have_text("Approved")
    form = agent.locator('#panel-returns form[data-step="label"]')
    form.get_by_label("Tracking number").fill("RET7654321")
    form.get_by_label("Carrier").select_option(label=Carrier.objects.order_by("name").first().name)
    form.get_by_label("Label link").fill("https://carrier.example/label/2")
    step(agent, "Send the label")
    step(agent, "Record receipt")
    step(agent, "Record inspection")
    step(agent, "Pay the refund")
    expect(agent.locator("#panel-returns .badge")).to_have_text("Refunded")

    ret.refresh_from_db()
    assert ret.state == ReturnState.REFUNDED
    refund = [m for m in mail.outbox if "Rückerstattung" in m.body]
    assert len(refund) == 1 and refund[0].to == ["lena@example.de"]
    assert "40,00" in refund[0].body
