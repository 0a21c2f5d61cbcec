"""In a real browser: an L1 agent asks for USD 80 in EUR on a German customer's ticket, it
waits; the supervisor approves it from the approvals queue; the customer is emailed in German."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from policies.models import CompensationRequest, DecisionLog, ExchangeRate, RequestState
from tickets.models import OutboundEmail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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


def test_l1_request_waits_then_the_supervisor_approves_it_from_the_queue(browser, live_server, actors, make_ticket):
    # given a German customer's ticket about an order in EUR, and today's rate USD 1 = EUR 0.925
    ExchangeRate.objects.create(currency="EUR", date=timezone.now().date(), units_per_usd=Decimal("0.925"))
    ticket = make_ticket(currency="EUR", total="150.00", subject="Paket kam zu spät")
    agent_asks_and_supervisor_approves(browser, live_server, actors, ticket)


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
