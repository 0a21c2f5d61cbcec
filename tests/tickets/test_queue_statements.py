"""The queue's first pages run statements kept per process (helpdesk/kept_sql.py): what they list still
follows the tickets, the agent's team and tags made since, as a statement built afresh would."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import TicketFactory
from tickets.models import AgentProfile, Tag, TicketTag

pytestmark = pytest.mark.django_db

QUEUE = reverse("tickets:queue")


def refs(response) -> list[str]:
    return re.findall(r'<span class="ref">(HD-\d+)</span>', response.content.decode())


def waiting(response) -> str:
    return re.search(r'data-waiting="(\d+)"', response.content.decode()).group(1)


def test_a_kept_first_page_lists_tickets_that_arrived_since(client, actors, teams):
    first = TicketFactory(team=teams.europe)
    client.force_login(actors.l1)
    assert refs(client.get(QUEUE, {"view": "team"})) == [first.reference]

    second = TicketFactory(team=teams.europe)

    response = client.get(QUEUE, {"view": "team"})
    assert refs(response) == [second.reference, first.reference] and waiting(response) == "2"


def test_an_agent_moved_to_another_team_sees_that_teams_queue(client, actors, teams):
    europe, america = TicketFactory(team=teams.europe), TicketFactory(team=teams.america)
    client.force_login(actors.l1)
    assert refs(client.get(QUEUE, {"view": "team"})) == [europe.reference]

    AgentProfile.objects.filter(user=actors.l1).update(team=teams.america)

    assert refs(client.get(QUEUE, {"view": "team"})) == [america.reference]


def test_a_tag_filter_finds_a_tag_made_after_the_first_search(client, actors, teams):
    ticket = TicketFactory(team=teams.europe)
    client.force_login(actors.l1)
    assert refs(client.get(QUEUE, {"view": "team", "tag": "fragile"})) == []

    TicketTag.objects.create(ticket=ticket, tag=Tag.objects.create(name="fragile"))

    assert refs(client.get(QUEUE, {"view": "team", "tag": "fragile"})) == [ticket.reference]
