"""Two agents on one ticket in two browsers, against a real ASGI server (uvicorn) on the test
database and the real Redis: one replies and the other sees it without a reload, who is typing,
the crossing warning; and a page that loses its socket and Redis's data recovers every update."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from playwright.sync_api import expect

from tests.asgi_server import AsgiServer
from tests.e2e.conftest import named
from tickets import services
from tickets.models import Channel, Status, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(transactional_db, tmp_path) -> Iterator[AsgiServer]:  # its own: no task runs in the server
    asgi = AsgiServer(tmp_path)
    asgi.start()
    yield asgi
    asgi.stop()


@pytest.fixture
def ticket(actors) -> Ticket:
    named(actors.l1, "Anna", "Berg")
    named(actors.l2, "Bruno", "Costa")
    return services.ticket_create(
        customer=actors.customer,
        subject="Parcel stuck in customs",
        body="It has not moved for a week.",
        channel=Channel.WEB,
    )


def not_reloaded(page: Any) -> bool:
    return page.evaluate("window.__notReloaded === true")


def test_two_agents_see_each_other_and_each_others_replies_without_a_reload(agent_page, ticket, actors):
    anna = agent_page(actors.l1, f"/tickets/{ticket.pk}/")
    bruno = agent_page(actors.l2, f"/tickets/{ticket.pk}/")

    # Each sees the other on the ticket (whoever came first learns of the newcomer, and back).
    expect(bruno.locator("#presence")).to_have_text("Anna Berg is viewing this ticket")
    expect(anna.locator("#presence")).to_have_text("Bruno Costa is viewing this ticket")

    anna.get_by_label("Your reply").press_sequentially("Your parcel cleared customs", delay=10)
    expect(bruno.locator("#presence")).to_have_text("Anna Berg is typing a reply")

    anna.get_by_role("button", name="Send reply").click()
    expect(anna.locator(".notice", has_text="Reply sent")).to_be_visible()

    reply = bruno.locator("#thread article.msg.reply")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("Your parcel cleared customs")
    expect(bruno.locator("#ticket-summary .badge.status-open")).to_be_visible()  # new -> open, live too
    assert not_reloaded(bruno)

    # The customer writes while Bruno writes his own reply: a hint at once, and a hold when he sends.
    bruno.get_by_label("Your reply").fill("Any news from the carrier?")
    services.message_receive_from_customer(
        ticket=ticket, body="It just arrived, but the box is crushed!", channel=Channel.WEB
    )
    expect(bruno.locator("#thread article.msg.customer", has_text="the box is crushed")).to_have_count(1)
    expect(bruno.locator("[data-crossing-hint]")).to_be_visible()

    bruno.get_by_role("button", name="Send reply").click()
    expect(bruno.get_by_role("alert")).to_contain_text("The customer wrote again while you were writing")
    expect(bruno.locator("[data-crossed]")).to_contain_text("the box is crushed")
    assert ticket.messages.filter(kind="reply").count() == 1  # Bruno's reply was held

    bruno.get_by_role("button", name="Send anyway").click()
    expect(bruno.locator(".notice", has_text="Reply sent")).to_be_visible()
    assert ticket.messages.filter(kind="reply").count() == 2
    expect(anna.locator("#thread article.msg.reply")).to_have_count(2)
    assert not_reloaded(anna)


def test_a_page_that_lost_its_socket_and_redis_recovers_every_update_once(agent_page, server, ticket, actors):
    bruno = agent_page(actors.l2, f"/tickets/{ticket.pk}/")
    services.message_add_note(ticket=ticket, author=actors.l1, body="Before the outage")
    notes = bruno.locator("#thread article.msg.note")
    expect(notes).to_have_count(1)  # the page is live

    server.stop()  # every socket drops
    expect(bruno.locator("#live-status")).to_be_visible()
    services.message_add_note(ticket=ticket, author=actors.l1, body="During the outage, first")
    services.ticket_set_status(ticket=ticket, status=Status.PENDING, actor=actors.l1)
    services.message_add_note(ticket=ticket, author=actors.l1, body="During the outage, second")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the channel layer forgets every group and message
    server.start()

    expect(notes).to_have_count(3)
    for text in ("Before the outage", "During the outage, first", "During the outage, second"):
        expect(bruno.locator("#thread article.msg.note", has_text=text)).to_have_count(1)
    expect(bruno.locator("#ticket-summary .badge.status-pending")).to_be_visible()
    expect(bruno.locator("#prop-status")).to_have_value("pending")  # the side panel follows too
    expect(bruno.locator("#live-status")).to_be_hidden()

    services.message_add_note(ticket=ticket, author=actors.l1, body="After the outage")  # live again
    expect(notes).to_have_count(4)
    expect(bruno.locator("#thread article.msg")).to_have_count(5)  # the customer's first message and 4 notes
    assert re.search(r"After the outage$", notes.last.inner_text().strip().splitlines()[-1])
    assert not_reloaded(bruno)


def test_the_queue_rows_and_the_bell_update_themselves(agent_page, ticket, actors):
    from tickets.models import Priority
    from workspace.notifications import notify

    anna = agent_page(actors.l1, "/queue/?view=team&status=new")
    rows = anna.locator("#queue-results tbody tr")
    expect(rows).to_have_count(1)
    expect(anna.locator("#bell .count")).to_have_count(0)

    arrived = services.ticket_create(
        customer=actors.customer, subject="Wrong size delivered", body="I ordered M.", channel=Channel.WEB
    )
    expect(anna.locator(f'tr[data-ticket="{arrived.pk}"]')).to_contain_text("Wrong size delivered")  # comes

    services.ticket_set_priority(ticket=arrived, priority=Priority.URGENT, actor=actors.l2)
    expect(anna.locator(f'tr[data-ticket="{arrived.pk}"] .badge.prio-{Priority.URGENT}')).to_be_visible()  # changes

    services.ticket_set_status(ticket=ticket, status=Status.PENDING, actor=actors.l2)
    expect(anna.locator(f'tr[data-ticket="{ticket.pk}"]')).to_have_count(0)  # goes: no longer new
    expect(rows).to_have_count(1)

    notify(users=[actors.l1], key="test:bell", text="Something for Anna")
    expect(anna.locator("#bell .count")).to_have_text("1")
    assert not_reloaded(anna)


def test_the_approvals_page_shows_requests_as_they_come_and_drops_them_when_decided(agent_page, actors, teams):
    from decimal import Decimal

    from django.utils import timezone

    from helpdesk import roles
    from policies import services as compensation
    from policies.models import Decision, ExchangeRate
    from policies.services.rates import rate_day
    from tests.factories import OrderFactory, TicketFactory, make_staff

    other_supervisor = make_staff(team=teams.europe, tier="L3", group=roles.SUPERVISOR_GROUP, username="super2")
    ExchangeRate.objects.create(currency="EUR", date=rate_day(), units_per_usd=Decimal("0.8"))
    order = OrderFactory(customer=actors.customer, currency="EUR", total=Decimal("500.00"), placed_at=timezone.now())
    late = TicketFactory(customer=actors.customer, team=teams.europe, order=order, language="de")
    sofia = agent_page(actors.supervisor, "/approvals/")
    cards = sofia.locator("#approvals-list article.approval")
    expect(sofia.locator("[data-approvals-empty]")).to_be_visible()

    waiting = compensation.compensation_request_create(
        ticket=late,
        actor=actors.l1,
        kind="partial_refund",
        reason="late",
        amount="74.00",  # USD 92.50: over L1's
    )
    expect(cards).to_have_count(1)  # comes
    expect(sofia.locator(f"#approval-{waiting.pk}")).to_contain_text(late.reference)
    expect(sofia.locator("#approvals-count")).to_have_text("1")
    expect(sofia.locator("[data-approvals-empty]")).to_have_count(0)
    expect(sofia.locator("#bell .count")).to_have_text("1")  # and her bell says so

    compensation.compensation_request_decide(
        request=waiting, actor=other_supervisor, decision=Decision.APPROVED, comment="Late by three weeks."
    )
    expect(cards).to_have_count(0)  # goes: decided by someone else
    expect(sofia.locator("[data-approvals-empty]")).to_be_visible()
    expect(sofia.locator("#approvals-count")).to_have_text("0")
    assert not_reloaded(sofia)
