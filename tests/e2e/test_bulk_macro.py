"""An agent selects tickets in the queue, applies a macro to them at once, reads the summary and
undoes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import Channel, Macro, MessageKind, Priority, Status, Tag, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, teams, actors, categories):
    tickets = [
        services.ticket_create(customer=actors.customer, subject=subject, body="Where is it?", channel=Channel.WEB)
        for subject in ("Parcel late", "Parcel lost", "Question about sizes")
    ]
    for ticket in tickets:
        services.ticket_set_status(ticket=ticket, status=Status.OPEN, actor=actors.l1)
    macro = Macro.objects.create(
        name="Ask for patience",
        team=teams.europe,
        reply_en="Dear {customer_name}, we are on it ({ticket_reference}).",
        reply_de="Liebe/r {customer_name}, wir kümmern uns darum ({ticket_reference}).",
        status=Status.PENDING,
        priority=Priority.HIGH,
    )
    macro.tags.add(Tag.objects.create(name="waiting"))
    return tickets


def test_agent_applies_a_macro_to_selected_tickets_sees_the_summary_and_undoes_it(page, log_in, world, actors):
    late, lost, sizes = world
    log_in(actors.l1.username)
    rows = page.locator(".queue-table tbody tr")
    expect(rows).to_have_count(3)

    # Select all on the page, then untick one: two tickets are chosen.
    page.get_by_label("Select all on this page").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("3")
    page.get_by_label(f"Select {sizes.reference}").uncheck()
    expect(page.locator("[data-bulk-count]")).to_have_text("2")

    page.get_by_label("Action", exact=True).select_option(label="Ask for patience")
    page.get_by_role("button", name="Apply to tickets").click()

    expect(page.get_by_role("heading", name="Apply macro Ask for patience")).to_be_visible()
    summary = page.locator("#bulk-summary")
    expect(summary).to_contain_text("2 tickets changed")
    expect(summary).to_contain_text(late.reference)
    expect(summary).to_contain_text(lost.reference)
    expect(summary).to_contain_text("A reply the macro sent stays sent.")
    for ticket in (late, lost):
        reply = ticket.messages.get(kind=MessageKind.REPLY)
        assert reply.body == f"Liebe/r Lena Schmidt, wir kümmern uns darum ({ticket.reference})."
        assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING
    assert Ticket.objects.get(pk=sizes.pk).status == Status.OPEN

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("heading", name="Bulk action undone")).to_be_visible()
    expect(page.locator("#bulk-undone")).to_contain_text("2 tickets put back as they were")
    for ticket in (late, lost):
        ticket.refresh_from_db()
        assert (ticket.status, ticket.priority) == (Status.OPEN, Priority.NORMAL)
        assert not ticket.ticket_tags.exists()

    # Back in the queue, the tickets show their previous status again.
    page.get_by_role("link", name="Back to the queue").click()
    expect(rows.filter(has_text=re.compile("Parcel"))).to_have_count(2)
    expect(page.locator(".queue-table")).not_to_contain_text("Pending")
