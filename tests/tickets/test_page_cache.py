"""Rendered queue pages and ticket lists come from the cache until a ticket changes, and never
show one user another's page."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, connections, transaction
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import TicketFactory
from tickets import services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db

QUEUE = reverse("tickets:queue")
API = "/api/v1/tickets/"


def refs(response) -> list[str]:
    return re.findall(r'<span class="ref">(HD-\d+)</span>', response.content.decode())


def ticket_queries(client, url: str, **extra) -> tuple[object, int]:
    """The answer, and how many of the queries behind it read the tickets table."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, sum("tickets_ticket" in q["sql"] for q in captured.captured_queries)


@pytest.fixture
def agent_client(client, actors):
    client.force_login(actors.l1)
    client.get(QUEUE)  # the first page sets the CSRF cookie its forms need
    return client


def test_a_second_load_of_the_same_queue_page_is_served_from_the_cache(agent_client, teams):
    TicketFactory(team=teams.europe)

    first, first_reads = ticket_queries(agent_client, QUEUE)
    again, again_reads = ticket_queries(agent_client, QUEUE)

    assert first_reads > 0
    assert again_reads == 0
    assert again.content == first.content
    assert again["Vary"] and "HX-Request" in again["Vary"]


def test_a_ticket_changed_through_a_service_shows_at_once(agent_client, actors, teams):
    ticket = TicketFactory(team=teams.europe, status=Status.OPEN)
    assert "status-open" in agent_client.get(QUEUE).content.decode()

    services.ticket_set_status(ticket=ticket, status=Status.PENDING, actor=actors.l1)

    page, reads = ticket_queries(agent_client, QUEUE)
    assert reads > 0
    assert "status-pending" in page.content.decode()


def test_a_bulk_update_that_sends_no_signal_still_expires_the_page(agent_client, teams):
    ticket = TicketFactory(team=teams.europe, subject="Before the sweep")
    assert "Before the sweep" in agent_client.get(QUEUE).content.decode()

    Ticket.objects.filter(pk=ticket.pk).update(subject="After the sweep")

    assert "After the sweep" in agent_client.get(QUEUE).content.decode()


def test_a_new_ticket_appears_on_the_next_load(agent_client, teams):
    before = refs(agent_client.get(QUEUE))
    ticket = TicketFactory(team=teams.europe)

    after = refs(agent_client.get(QUEUE))

    assert ticket.reference not in before
    assert ticket.reference in after


def test_two_agents_never_see_each_others_page(client, actors, teams):
    TicketFactory(team=teams.europe)
    for user in (actors.l1, actors.l2, actors.l1, actors.l2):
        client.force_login(user)
        client.get(QUEUE)
        page = client.get(QUEUE).content.decode()
        assert user.get_username() in page or (user.get_full_name() and user.get_full_name() in page)
        other = actors.l2 if user == actors.l1 else actors.l1
        assert f'title="{other.email}"' not in page


def test_the_interface_language_is_part_of_the_key(agent_client, actors, teams):
    TicketFactory(team=teams.europe)
    english = agent_client.get(QUEUE).content.decode()
    profile = actors.l1.agent_profile
    profile.ui_language = "zh-hans"
    profile.save()

    chinese = agent_client.get(QUEUE).content.decode()

    assert 'lang="en"' in english
    assert 'lang="zh-hans"' in chinese


def test_a_page_with_a_flash_message_is_rendered_not_served_from_the_cache(agent_client, teams):
    TicketFactory(team=teams.europe)
    agent_client.get(QUEUE)
    # Where Django keeps a flash message between a redirect and the next page.
    agent_client.cookies["messages"] = CookieStorage(HttpRequest())._encode(
        [Message(constants.SUCCESS, "Saved for you")]
    )

    with_message = agent_client.get(QUEUE).content.decode()
    after = agent_client.get(QUEUE).content.decode()

    assert "Saved for you" in with_message
    assert "Saved for you" not in after


def test_with_the_cache_unreachable_the_queue_still_works(agent_client, teams, settings):
    ticket = TicketFactory(team=teams.europe)
    agent_client.get(QUEUE)  # cached while the cache still answers
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    first = agent_client.get(QUEUE)
    Ticket.objects.filter(pk=ticket.pk).update(subject="Changed while the cache was down")
    second = agent_client.get(QUEUE)
    assert first.status_code == second.status_code == 200
    assert "Changed while the cache was down" in second.content.decode()


def test_caching_can_be_turned_off(agent_client, teams, settings):
    settings.PAGE_CACHE_SECONDS = 0
    TicketFactory(team=teams.europe)
    agent_client.get(QUEUE)

    _page, reads = ticket_queries(agent_client, QUEUE)

    assert reads > 0


def test_the_ticket_list_api_is_cached_per_user_and_expired_by_a_change(actors, teams):
    ticket = TicketFactory(team=teams.europe, subject="First subject")
    agent = APIClient()
    agent.force_authenticate(actors.l1)
    outsider = APIClient()
    outsider.force_authenticate(actors.other_team_agent)

    first, first_reads = ticket_queries(agent, API)
    again, again_reads = ticket_queries(agent, API)
    theirs = outsider.get(API).json()
    services.ticket_set_status(ticket=ticket, status=Status.PENDING, actor=actors.l1)
    changed = agent.get(API).json()

    assert first_reads > 0 and again_reads == 0
    assert again.json() == first.json()
    assert again["Content-Type"] == "application/json"
    assert ticket.pk not in [row["id"] for row in theirs["results"]]
    assert [row["status"] for row in changed["results"] if row["id"] == ticket.pk] == ["pending"]


def _in_another_connection(work):
    """Run `work` in a thread, hence on a database connection of its own, and return its result."""
    results = []

    def run():
        try:
            results.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return results[0]


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_before_a_change_committed_is_not_served_after_the_commit(client, actors, teams):
    ticket = TicketFactory(team=teams.europe, subject="Old subject")
    client.force_login(actors.l1)
    client.get(QUEUE)
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(subject="New subject")
        # Meanwhile another request renders (and caches) the page from the committed data.
        seen_meanwhile = _in_another_connection(lambda: client.get(QUEUE).content.decode())

    seen_after = client.get(QUEUE).content.decode()

    assert "Old subject" in seen_meanwhile
    assert "New subject" in seen_after
