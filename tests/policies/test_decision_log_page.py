"""The decision log as a page of the app for supervisors: who decided what, when (in the viewer's
zone) and why, for their team; filterable by period and decision; paged by a cursor."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from policies import services
from policies.models import ExchangeRate
from tests.factories import OrderFactory, TicketFactory
from tickets.models import AgentProfile

from .conftest import ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "rates")]

LOG = "/approvals/decisions/"


def decide(supervisor, request, decision="approved", comment="Parcel lost twice"):
    return services.compensation_request_decide(request=request, actor=supervisor, decision=decision, comment=comment)


def test_the_page_is_reached_from_the_approvals_page(client, actors):
    assert reverse("policies:decision_log") == LOG
    client.force_login(actors.supervisor)
    assert f'href="{LOG}"' in client.get(reverse("policies:queue")).content.decode()


def test_agents_get_403_and_visitors_the_login_page(client, actors):
    for agent in (actors.l1, actors.l3, actors.other_team_agent):
        client.force_login(agent)
        assert client.get(LOG).status_code == 403
    client.logout()
    assert client.get(LOG).status_code == 302


def test_a_supervisor_reads_the_decisions_of_their_team_with_names_and_reasons(client, actors, make_ticket, teams):
    AgentProfile.objects.filter(user=actors.supervisor).update(time_zone="Europe/Berlin")
    waiting = ask(actors.l1, make_ticket(currency="EUR"), amount="64.00")
    decide(actors.supervisor, waiting, comment="Parcel lost twice")
    automatic = ask(actors.l1, make_ticket(currency="EUR"), amount="8.00")  # within the L1 limit
    # another team's decision stays out of sight
    america = TicketFactory(
        customer=actors.customer,
        team=teams.america,
        order=OrderFactory(customer=actors.customer, currency="EUR"),
        subject="Hidden from Europe",
    )
    hidden = ask(actors.other_team_agent, america, amount="8.00")

    client.force_login(actors.supervisor)
    response = client.get(LOG)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("policies:request", args=[waiting.pk])}"' in html
    assert f'href="{reverse("tickets:detail", args=[waiting.ticket_id])}"' in html
    assert waiting.ticket.reference in html
    assert "€64.00" in html and "USD 80.00" in html
    assert actors.supervisor.get_full_name() in html  # a person's name, not an id
    assert "Parcel lost twice" in html
    assert "10:00" in html  # 09:00 UTC is 10:00 in Berlin, the viewer's zone
    assert "Within the agent&#x27;s authority" in html or "Within the agent's authority" in html
    assert f"#{automatic.pk}" in html
    assert f"#{hidden.pk}<" not in html and "Hidden from Europe" not in html


def test_filters_by_decision_and_period(client, actors, make_ticket, clock):
    approved = ask(actors.l1, make_ticket(), amount="64.00")
    decide(actors.supervisor, approved)
    rejected = ask(actors.l1, make_ticket(), amount="70.00")
    decide(actors.supervisor, rejected, decision="rejected", comment="No proof")
    clock.shift(timedelta(days=3))
    ExchangeRate.objects.create(currency="EUR", date=timezone.now().date(), units_per_usd=Decimal("0.8"), source="test")
    later = ask(actors.l1, make_ticket(), amount="66.00")
    decide(actors.supervisor, later, comment="Third time")

    client.force_login(actors.supervisor)
    rows = client.get(LOG, {"decision": "rejected"}).context["rows"]
    assert [row.request_id for row in rows] == [rejected.pk]
    rows = client.get(LOG, {"date_from": "2026-11-22", "date_to": "2026-11-30"}).context["rows"]
    assert [row.request_id for row in rows] == [later.pk]
    response = client.get(LOG, {"decision": "maybe", "date_from": "yesterday"})
    assert response.status_code == 400
    assert response.context["form"].errors


def test_pages_follow_a_cursor_newest_first(client, actors, make_ticket, clock, settings):
    settings.DECISION_LOG_PAGE_SIZE = 2
    requests = []
    for amount in ("61.00", "62.00", "63.00", "64.00", "65.00"):
        request = ask(actors.l1, make_ticket(), amount=amount)
        decide(actors.supervisor, request)
        requests.append(request.pk)
    client.force_login(actors.supervisor)
    seen, url, params = [], LOG, {}
    for _ in range(5):
        response = client.get(url, params)
        seen += [row.request_id for row in response.context["rows"]]
        if not response.context["next_cursor"]:
            break
        params = {"after": response.context["next_cursor"]}
    assert seen == list(reversed(requests))
    assert client.get(LOG, {"after": "garbage"}).status_code == 400
