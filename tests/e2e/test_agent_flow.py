"""An agent works a ticket in the browser: sign in, filter the queue, open, reply."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tickets import services
from tickets.models import CannedReply, Channel, Status, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/ticket_page.png"


@pytest.fixture
def world(transactional_db, teams, actors, categories):
    parcel = services.ticket_create(
        customer=actors.customer,
        subject="Parcel stuck in customs",
        channel=Channel.EMAIL,
        body="My parcel has not moved since it reached customs.\n<script>alert('x')</script>",
        category=categories.logistics,
    )
    services.ticket_create(
        customer=actors.customer,
        subject="Wrong size delivered",
        body="I ordered M, got XL.",
        channel=Channel.WEB,
        category=categories.product,
    )
    services.message_add_note(ticket=parcel, author=actors.l2, body="Customs broker contacted.")
    CannedReply.objects.create(
        title="Tracking update",
        body_en="Hello {customer_name}, we checked {ticket_reference}.",
        body_de="Hallo {customer_name}, wir haben {ticket_reference} geprüft.",
    )
    return parcel


def test_agent_filters_the_queue_opens_a_ticket_and_replies(page, log_in, world, actors):
    parcel: Ticket = world
    log_in(actors.l1.username)

    # The queue filters without a reload, and the address bar keeps the filter.
    rows = page.locator(".queue-table tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Category").select_option(label="Logistics")
    expect(page).to_have_url(re.compile(r"category=\d+"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Parcel stuck in customs")

    page.get_by_role("link", name=re.compile("Parcel stuck in customs")).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name=re.compile("Parcel stuck in customs"))).to_be_visible()
    expect(page.locator("article.msg.note")).to_contain_text("Customs broker contacted.")
    expect(page.locator("article.msg.customer")).to_contain_text("<script>alert('x')</script>")

    # A canned reply goes into the reply box in the ticket's language (German), filled in.
    page.locator("#canned-select").select_option(label="Tracking update")
    page.get_by_role("button", name="Insert").click()
    reply_box = page.locator("#id_reply-body")
    expect(reply_box).to_have_value(f"Hallo Lena Schmidt, wir haben {parcel.reference} geprüft.")
    reply_box.press("End")
    reply_box.type(" Wir melden uns morgen.")

    page.get_by_label("Set to pending").check()
    page.get_by_role("button", name="Send reply").click()

    expect(page.get_by_role("status").filter(has_text="Reply sent to lena@example.de.")).to_be_visible()
    expect(page.locator("article.msg.reply")).to_contain_text("Wir melden uns morgen.")
    expect(reply_box).to_have_value("")
    expect(page.locator("#ticket-summary")).to_contain_text("Pending")
    page.screenshot(path=SCREENSHOT, full_page=True)

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["lena@example.de"]
    assert "Wir melden uns morgen." in sent.body and "Customs broker" not in sent.body
    parcel.refresh_from_db()
    assert parcel.status == Status.PENDING
