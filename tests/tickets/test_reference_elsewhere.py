"""A reference searched from another team: the queue says where the ticket is and whom to ask, and
shows nothing of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpdesk import roles
from tests.factories import CustomerFactory, TicketFactory, make_staff

pytestmark = pytest.mark.django_db

QUEUE = reverse("tickets:queue")


@pytest.fixture
def theirs(teams):
    customer = CustomerFactory(name="Zed Quimby", email="zed.quimby@example.com", country="US")
    return TicketFactory(team=teams.america, customer=customer, subject="Refund for the broken kettle")


def test_a_reference_in_another_team_says_where_it_is_and_whom_to_ask_without_showing_it(client, actors, teams, theirs):
    make_staff(team=teams.america, group=roles.SUPERVISOR_GROUP, username="maria", first_name="Maria", last_name="Ruiz")
    client.force_login(actors.l1)

    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(QUEUE, {"q": theirs.reference.lower()}, headers=headers)

        page = response.content.decode()
        assert response.status_code == 200
        assert f"Ticket {theirs.reference} exists in team North America; ask Maria Ruiz." in page
        for secret in ("broken kettle", "Zed Quimby", "zed.quimby", reverse("tickets:detail", args=[theirs.pk])):
            assert secret not in page


def test_without_a_supervisor_the_agent_is_told_to_ask_the_team(client, actors, teams, theirs):
    client.force_login(actors.l1)

    page = client.get(QUEUE, {"q": theirs.reference}).content.decode()

    assert f"Ticket {theirs.reference} exists in team North America; ask that team." in page


def test_a_reference_that_does_not_exist_says_nothing_more(client, actors, teams):
    client.force_login(actors.l1)

    page = client.get(QUEUE, {"q": "HD-999999"}).content.decode()

    assert "exists in team" not in page and "No tickets match." in page


def test_a_reference_the_agent_may_see_still_opens_the_ticket(client, actors, teams, theirs):
    client.force_login(actors.other_team_agent)

    response = client.get(QUEUE, {"q": theirs.reference})

    assert response["Location"] == reverse("tickets:detail", args=[theirs.pk])
