"""An agent's daily tools in the browser: save a view and see its count, clear a notice from the bell,
open the shortcuts overlay and move with the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import Channel, Priority
from workspace.models import Notification
from workspace.notifications import notify

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, teams, actors, categories):
    urgent = services.ticket_create(
        customer=actors.customer,
        subject="Parcel lost for two weeks",
        channel=Channel.EMAIL,
        body="Nothing has moved since the 2nd.",
        category=categories.logistics,
        priority=Priority.HIGH,
    )
    services.ticket_create(
        customer=actors.customer,
        subject="How do I change my address?",
        channel=Channel.WEB,
        body="I moved.",
        category=categories.other,
    )
    notify(
        users=[actors.l1],
        key="sla-warn:test",
        text=f"{urgent.reference} is close to its SLA deadline.",
        url=urgent.get_absolute_url(),
    )
    return urgent


def test_an_agent_saves_a_view_clears_a_notice_and_uses_the_shortcuts(page, log_in, world, actors):
    urgent = world
    log_in(actors.l1.username)

    # Save the filtered queue as a view: it appears in the sidebar with its count.
    page.locator("#id_priority").select_option(label="High")
    expect(page).to_have_url(re.compile(r"priority=3"))
    expect(page.locator(".queue-table tbody tr")).to_have_count(1)
    page.get_by_label("Save these filters as a view").fill("High priority")
    page.get_by_role("button", name="Save view").click()
    own = page.locator('[data-views="own"] li')
    expect(own).to_have_count(1)
    expect(own.first.get_by_role("link", name="High priority")).to_be_visible()
    expect(own.first.locator(".view-count")).to_have_text("1")

    # The bell opens as a dropdown; opening the notice leads to the ticket and clears it.
    bell = page.locator("#bell")
    expect(bell.locator(".count")).to_have_text("1")
    bell.locator("summary").click()
    notice = bell.get_by_role("link", name=f"{urgent.reference} is close to its SLA deadline.")
    expect(notice).to_be_visible()
    notice.click()
    expect(page).to_have_url(re.compile(rf"/tickets/{urgent.pk}/$"))
    page.wait_for_load_state("load")
    expect(page.locator("#bell summary")).to_be_visible()
    expect(page.locator("#bell .count")).to_have_count(0)
    assert Notification.objects.get(user=actors.l1).read_at is not None

    # "?" opens the shortcuts overlay, Esc closes it; "r" goes to the reply box.
    page.locator("body").press("?")
    overlay = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("Assign to me")
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()
    page.keyboard.press("r")
    expect(page.locator("#id_reply-body")).to_be_focused()
    page.keyboard.type("Typing r, n or s here does nothing else")
    expect(page.locator("#id_reply-body")).to_have_value("Typing r, n or s here does nothing else")

    # In the queue, j selects the first row and Enter opens it.
    page.goto("/queue/?view=team")
    page.wait_for_load_state("load")
    page.keyboard.press("j")
    expect(page.locator(".queue-table tr.kb-current")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/tickets/\d+/$"))
