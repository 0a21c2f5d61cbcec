"""A customer finds their order in Japanese: number and email, the code from our email, the parcel's
timeline, then a return requested from the page."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from returns.models import ReturnRequest, ReturnState
from tests.factories import OrderFactory
from tests.returns.conftest import deliver

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def order(transactional_db, teams, actors):
    customer = actors.customer
    customer.language, customer.time_zone = "ja", "Asia/Tokyo"
    customer.save(update_fields=["language", "time_zone"])
    order = OrderFactory(
        customer=customer, external_number="JP-7001", currency="EUR", total=Decimal("40.00"),
        ship_to_country="DE", placed_at=timezone.now() - timedelta(days=6),
    )  # fmt: skip
    deliver(order, timezone.now() - timedelta(days=2))
    return order


def test_a_customer_opens_their_order_with_the_emailed_code_and_asks_for_a_return(page, order):
    from django.core.cache import cache

    cache.clear()  # the rate limits of earlier tests
    page.goto("/support/orders/?lang=ja")
    expect(page.get_by_role("heading", name="注文はどこ？")).to_be_visible()
    page.get_by_label("注文番号").fill("JP-7001")
    page.get_by_label("メールアドレス").fill("lena@example.de")
    page.get_by_role("button", name="コードを送信").click()
    expect(page.get_by_text("この注文とメールアドレスが一致する場合")).to_be_visible()

    assert [m.to for m in mail.outbox] == [["lena@example.de"]]
    assert "JP-7001" in mail.outbox[0].subject and "コード" in mail.outbox[0].subject
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body)
    assert code is not None
    page.get_by_label("メールに記載された6桁のコード").fill(code.group(1))
    page.get_by_role("button", name="注文を表示").click()

    expect(page.get_by_role("heading", name="注文 JP-7001")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("配達完了")
    expect(page.locator(".return-policy")).to_contain_text("理由を問わずまだ返品できます")

    page.get_by_label("商品（注文確認メールに記載のSKU）").fill("TS-42")
    page.get_by_role("button", name="返品を申し込む").click()
    expect(page.locator(".return-policy")).to_contain_text("この注文の返品を手続き中です")
    ret = ReturnRequest.objects.get(order=order)
    assert ret.state == ReturnState.REQUESTED and ret.requested_by is None


def test_a_customer_reports_a_problem_from_the_order_page_in_german(page, order, categories):
    from django.core.cache import cache

    from tickets.models import Ticket

    cache.clear()
    page.goto("/support/orders/?lang=de")
    page.get_by_label("Bestellnummer").fill("JP-7001")
    page.get_by_label("E-Mail-Adresse").fill("lena@example.de")
    page.get_by_role("button", name="Code senden").click()
    expect(page.get_by_text("Wenn diese Bestellung zu dieser E-Mail-Adresse passt")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert code is not None and "Ihr Code" in mail.outbox[-1].subject
    page.get_by_label("Der 6-stellige Code aus unserer E-Mail").fill(code.group(1))
    page.get_by_role("button", name="Meine Bestellung anzeigen").click()

    expect(page.get_by_role("heading", name="Bestellung JP-7001")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Zugestellt")
    page.get_by_label("Worum geht es?").select_option(label="Logistics")
    page.get_by_label("Nachricht").fill("Der Karton war nass.")
    page.get_by_role("button", name="Problem melden").click()
    ticket = Ticket.objects.get(order=order)
    expect(page.get_by_text(f"Ihre Anfrage hat die Referenz {ticket.reference}")).to_be_visible()
    assert ticket.channel == "web" and ticket.category.slug == "logistics"
