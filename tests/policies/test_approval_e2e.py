"""In a real browser: an L1 agent asks for USD 80 in EUR on a German customer's ticket, it
waits; the supervisor approves it from the approvals queue; the customer is emailed in German."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from policies.models import CompensationRequest, DecisionLog, ExchangeRate, RequestState
from tickets.models import OutboundEmail

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def in_browser(steps: Callable[[Any], None]) -> None:
    """Run the browser steps with their own Playwright on a thread of their own: another test
    module's session-wide sync Playwright may hold this thread's event loop. The thread closes
    its database connection; its failures are raised here."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian's chromium is not installed")
    failures: list[BaseException] = []

    def run() -> None:
        try:
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
                )
                try:
                    steps(browser)
                finally:
                    browser.close()
        except BaseException as error:  # re-raised in the test's thread
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=180)
    assert not thread.is_alive(), "the browser steps did not finish"
    if failures:
        raise failures[0]


def signed_in_page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-US")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_l1_request_waits_then_the_supervisor_approves_it_from_the_queue(live_server, actors, make_ticket):
    # given a German customer's ticket about an order in EUR, and today's rate USD 1 = EUR 0.925
    ExchangeRate.objects.create(currency="EUR", date=timezone.now().date(), units_per_usd=Decimal("0.925"))
    ticket = make_ticket(currency="EUR", total="150.00", subject="Paket kam zu spät")
    in_browser(lambda browser: agent_asks_and_supervisor_approves(browser, live_server, actors, ticket))


def agent_asks_and_supervisor_approves(browser: Any, live_server: Any, actors: Any, ticket: Any) -> None:
    # when the L1 agent asks for EUR 74.00 (USD 80, above their USD 50) from the request form
    agent = signed_in_page(browser, live_server, actors.l1)
    agent.goto(f"{live_server.url}/approvals/request/{ticket.pk}/")
    agent.select_option("select[name=kind]", "partial_refund")
    agent.fill("input[name=amount]", "74.00")
    agent.select_option("select[name=reason]", "late")
    agent.fill("textarea[name=reason_detail]", "Three weeks late")
    agent.get_by_role("button", name="Request compensation").click()
    agent.wait_for_load_state()

    # then it waits for a supervisor
    request = CompensationRequest.objects.get(ticket=ticket)
    assert (request.state, request.amount, request.amount_usd) == (
        RequestState.PENDING,
        Decimal("74.00"),
        Decimal("80.00"),
    )

    # when the supervisor opens the approvals queue and approves it with a reason, in one click
    supervisor = signed_in_page(browser, live_server, actors.supervisor)
    supervisor.goto(f"{live_server.url}/approvals/")
    card = supervisor.locator(f"#approval-{request.pk}")
    assert "Paket kam zu spät" in card.inner_text()
    card.locator("textarea[name=comment]").fill("Three weeks is too long")
    card.get_by_role("button", name="Approve").click()

    # then the card says so without a reload (htmx), the decision is logged, the customer emailed in German
    card.locator(".decided-approved").wait_for()
    assert "Three weeks is too long" in card.inner_text()
    log = DecisionLog.objects.get(request=request)
    assert (log.decision, log.actor_id, log.rate) == ("approved", actors.supervisor.pk, Decimal("0.925"))
    outbound = OutboundEmail.objects.get(key=f"policies-approved:{request.pk}")
    assert outbound.to == "lena@example.de"
    assert "74,00\xa0€" in outbound.body_text  # Babel's German format: the email was rendered in "de"
    sent = [m for m in mail.outbox if m.to == ["lena@example.de"]]
    assert len(sent) == 1 and "74,00\xa0€" in sent[0].body
