"""A supervisor sees a carrier-reported parcel trouble the moment it arrives: on the parcels page and
on the proactive ticket, where the customer's notice shows as sent automatically; the customer got
one email, in their language."""

from __future__ import annotations

import re
import urllib.request
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from logistics.defaults import seed_defaults
from logistics.models import Carrier, CarrierExceptionCode, ExceptionRule
from tests.factories import OrderFactory
from tests.logistics.helpers import SEVENTEENTRACK_KEY, sign
from tests.logistics.live import ago, seventeen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NUMBER = "LZ300000019CN"


@pytest.fixture
def world(transactional_db, teams, actors, categories, settings):
    settings.SEVENTEENTRACK_API_KEYS = [SEVENTEENTRACK_KEY]
    seed_defaults(Carrier, ExceptionRule, CarrierExceptionCode)  # a flush emptied the seeded data
    from logistics.services import rules_cache_clear

    rules_cache_clear()
    return OrderFactory(
        customer=actors.customer, external_number="EX2000002", ship_to_country="DE", currency="EUR",
        total=Decimal("80.00"), platform="shopify",
    )  # fmt: skip


def _deliver(base_url: str, body: bytes) -> int:
    request = urllib.request.Request(  # noqa: S310 (the loopback test server)
        f"{base_url}/webhooks/17track/",
        data=body,
        headers={"Content-Type": "application/json", "sign": sign("17track", body)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return int(response.status)


def test_a_supervisor_sees_the_exception_and_the_customer_got_one_email_in_german(
    page, log_in, live_server, world, actors
):
    body = seventeen(
        NUMBER,
        "EX2000002",
        [
            (ago(days=8), "InTransit_PickedUp", "Accepted by the post office"),
            (ago(hours=2), "InTransit_CustomsProcessing", "Held by import customs"),
            (ago(minutes=20), "InTransit_CustomsRequiringInformation", "Customs requires information"),
        ],
        status="InTransit",
    )
    assert _deliver(live_server.url, body) == 202
    assert _deliver(live_server.url, body) == 200  # the sender's retry changes nothing

    log_in(actors.supervisor.username)
    page.goto("/logistics/exceptions/")
    row = page.locator("table.list tbody tr", has_text=NUMBER)
    expect(row).to_contain_text("Customs documents missing")
    row.get_by_role("link", name=re.compile(r"HD-\d+")).click()
    page.wait_for_load_state("load")

    panel = page.locator("#panel-logistics")
    expect(panel).to_contain_text(NUMBER)
    expect(panel.locator("p.warn")).to_contain_text("Customs documents missing")
    notice = page.locator("article.msg.system")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Sent automatically")
    expect(notice.locator(".author")).to_have_text("System")
    expect(notice).to_contain_text("Wir behalten die Lieferung Ihrer Bestellung EX2000002")
    expect(page.locator("article.msg.customer")).to_have_count(0)

    to_customer = [m for m in mail.outbox if m.to == [actors.customer.email]]
    assert len(to_customer) == 1
    assert "Wir behalten die Lieferung Ihrer Bestellung EX2000002" in to_customer[0].body
    assert "EX2000002" in to_customer[0].subject
    assert "delivery of your order" not in to_customer[0].subject.lower()  # the subject in German too
