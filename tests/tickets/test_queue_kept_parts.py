"""The queue page's kept parts: the filters read without building the form, the top bar, the line of
counts and the pager as fragments, each following what it shows."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from helpdesk.fragments import key_part, store
from tests.factories import CategoryFactory, TicketFactory
from tickets import filter_choices
from tickets.forms import QueueFilterForm
from tickets.queue_filter import QueueFilter

pytestmark = pytest.mark.django_db

QUEUE = reverse("tickets:queue")

QUERIES = [
    "",
    "status=any",
    "status=open&priority=3",
    "status=bogus&priority=9&language=xx",
    "language=de&country=de&channel=email",
    "channel=nowhere&country=toolong",
    "q=%20parcel%20&tag=%20Fragile%20",
    "assignee=none",
    "assignee=999999",
    "category=abc",
    "sort=due",
    "sort=sideways",
    "status=open&status=pending",
    "q=" + "x" * 201,
]


@pytest.fixture(autouse=True)
def _fresh_store():
    store.clear()
    yield
    store.clear()


def form_reading(query: QueryDict, user) -> tuple[object, str]:
    form = QueueFilterForm(query, categories=filter_choices.categories(), agents=filter_choices.agents(user))
    return form.filters(), form.cleaned_data.get("sort") or ""


def test_the_filters_read_from_memory_are_those_the_form_reads(actors, teams):
    category = CategoryFactory(name="Lost parcel")
    queries = [*QUERIES, f"category={category.pk}", f"assignee={actors.l2.pk}", f"assignee={actors.l1.pk}&sort=oldest"]
    for _round in range(2):  # the second round reads each from memory
        for raw in queries:
            query = QueryDict(raw)
            read = QueueFilter.for_user(query, actors.l1)
            assert (read.filters(), read.sort) == form_reading(query, actors.l1), raw


def test_the_filters_follow_the_choices_they_are_read_against(actors, teams):
    category = CategoryFactory(name="Damaged item")
    query = QueryDict(f"category={category.pk}&assignee={actors.l2.pk}")
    assert QueueFilter.for_user(query, actors.l1).filters().category == category.pk

    category.is_active = False
    category.save()
    actors.l2.agent_profile.team = teams.america
    actors.l2.agent_profile.save()

    read = QueueFilter.for_user(query, actors.l1)
    assert read.filters().category is None  # no longer a choice: ignored, as the form ignores it
    assert read.filters().assignee == ""
    assert (read.filters(), read.sort) == form_reading(query, actors.l1)


def test_a_queue_page_whose_filter_bar_is_kept_builds_no_filter_form(client, actors, teams):
    TicketFactory(team=teams.europe)
    client.force_login(actors.l1)
    first = client.get(QUEUE, {"status": "open"})
    assert first.status_code == 200
    with mock.patch.object(QueueFilterForm, "__init__", side_effect=AssertionError("built")) as built:
        again = client.get(QUEUE, {"status": "open"})
    assert again.status_code == 200 and built.call_count == 0
    assert 'id="queue-filters"' in again.content.decode()

    CategoryFactory(name="Customs hold")  # a new choice: the bar is drawn afresh, with it
    fresh = client.get(QUEUE, {"status": "open"})
    assert "Customs hold" in fresh.content.decode()


def test_the_top_bar_follows_the_agents_name_and_team(client, actors, teams):
    client.force_login(actors.l1)
    assert client.get(QUEUE).status_code == 200

    actors.l1.first_name, actors.l1.last_name = "Renamed", "Agent"
    actors.l1.save()
    page = client.get(QUEUE).content.decode()
    assert re.search(r'<span class="user"[^>]*>Renamed Agent', page)

    profile = actors.l1.agent_profile
    profile.team = teams.america
    profile.save()
    page = client.get(QUEUE).content.decode()
    assert f"· {teams.america.name} ·" in page


def meta(response) -> str:
    found = re.search(r'<p class="queue-meta">.*?</p>', response.content.decode(), re.S)
    assert found
    return found.group(0)


def test_the_line_of_counts_follows_the_waiting_tickets(client, actors, teams):
    TicketFactory(team=teams.europe)
    client.force_login(actors.l1)
    assert "1 waiting" in meta(client.get(QUEUE, {"view": "team"}))
    TicketFactory(team=teams.europe)
    assert "2 waiting" in meta(client.get(QUEUE, {"view": "team"}))


def test_the_pager_follows_the_pages(client, actors, teams):
    for _ in range(3):
        TicketFactory(team=teams.europe)
    client.force_login(actors.l1)
    first = client.get(QUEUE, {"view": "team", "size": 5}).content.decode()
    assert "Next page" not in first and "First page" not in first
    for _ in range(4):
        TicketFactory(team=teams.europe)
    first = client.get(QUEUE, {"view": "team", "size": 5}).content.decode()
    next_link = re.search(r'href="([^"]*cursor=[^"]+)" rel="next"', first)
    assert next_link and "First page" not in first
    second = client.get(next_link.group(1).replace("&amp;", "&")).content.decode()
    assert "First page" in second


def test_a_flat_key_is_checked_as_a_nested_one_is(actors):
    assert key_part((1, "a", None, timezone.now().date())) == (1, "a", None, timezone.now().date())
    assert key_part([1, (2, [3])]) == (1, (2, (3,)))
    with pytest.raises(TypeError):
        key_part((1, actors.l1))
    with pytest.raises(TypeError):
        key_part([(1, 2), {"a": 1}])
    assert key_part((timedelta(0).total_seconds(),)) == (0.0,)
