"""The queue page's kept parts: the filters read without building the form, the top bar, the line of
counts and the pager as fragments, each following what it shows."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.http import QueryDict
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpdesk.fragments import key_part, store
from tests.factories import CategoryFactory, TicketFactory
from tickets import filter_choices
from tickets.forms import QueueFilterForm
from tickets.queue_choices import queue_choices
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


def test_the_pages_csrf_token_is_fresh_each_time_and_accepted(actors, teams):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(actors.l1)
    first_visit = browser.get(QUEUE)  # no cookie yet: Django makes the secret and sets it
    assert first_visit.status_code == 200
    secret = browser.cookies["csrftoken"].value
    tokens = set()
    for _ in range(20):
        html = browser.get(QUEUE).content.decode()
        token = re.search(r'"X-CSRFToken": "([A-Za-z0-9]+)"', html).group(1)
        assert len(token) == 64 and _unmask_cipher_token(token) == secret
        assert set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)) == {token}
        tokens.add(token)
    assert len(tokens) == 20  # a new mask on every page
    saved = browser.post(reverse("tickets:saved_view_create"), {"name": "Mine open", "query": "view=mine"},
                         HTTP_X_CSRFTOKEN=token)  # fmt: skip
    assert saved.status_code in (200, 302)
    refused = browser.post(reverse("tickets:saved_view_create"), {"name": "Other", "query": "view=mine"},
                           HTTP_X_CSRFTOKEN=token[:32] + token[:32])  # fmt: skip
    assert refused.status_code == 403


def test_a_malformed_csrf_cookie_is_replaced_as_django_replaces_it(actors, teams):
    browser = Client()
    browser.force_login(actors.l1)
    browser.cookies["csrftoken"] = "not-a-secret!"
    html = browser.get(QUEUE).content.decode()
    token = re.search(r'"X-CSRFToken": "([A-Za-z0-9]+)"', html).group(1)
    assert _unmask_cipher_token(token) == browser.cookies["csrftoken"].value != "not-a-secret!"


def test_a_tabs_link_keeps_every_other_parameter_as_given(rf):
    from tickets.views.queue import _query

    def by_query_dict(request, **changes):  # what the page's links were made with before
        params = request.GET.copy()
        for key, value in changes.items():
            params.pop(key, None)
            if value not in (None, ""):
                params[key] = value
        return params.urlencode()

    for raw in ["", "view=mine", "q=caf%C3%A9+%26+co&cols=status&cols=team&view=all", "cursor=abc&size=10",
                "q=a%2Bb%3Dc&tag=%F0%9F%93%A6&view=", "status=open&status=pending&cursor="]:  # fmt: skip
        request = rf.get("/queue/?" + raw)
        for changes in ({"view": "team", "cursor": None}, {"view": "mine", "cursor": "eyJ4"}, {"cursor": None}):
            assert _query(request, **changes) == by_query_dict(request, **changes), (raw, changes)


def test_the_queue_choices_read_together_are_those_read_one_by_one(actors, teams):
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from tickets.models import Category, Macro, Team
    from tickets.services.macros import macros_of

    CategoryFactory(name="Zoll", position=1)
    CategoryFactory(name="Abholung", position=1)
    retired = CategoryFactory(name="Old", position=0)
    retired.is_active = False
    retired.save()
    Macro.objects.create(name="Mine", owner=actors.l1)
    Macro.objects.create(name="Europe's", team=teams.europe)
    Macro.objects.create(name="Everyone's")
    Macro.objects.create(name="America's", team=teams.america)
    Macro.objects.create(name="Colleague's", owner=actors.l2)
    no_team = get_user_model().objects.get(pk=actors.admin.pk)
    for user in (actors.l1, actors.supervisor, no_team):
        for language in ("en", "de", "ja"):
            with translation.override(language):
                choices = queue_choices(user)
                team_id = user.agent_profile.team_id if hasattr(user, "agent_profile") else None
                assert choices.categories == filter_choices.categories()
                assert choices.agents == filter_choices.agents(user)
                teams_by_name = Team.objects.order_by("name").values_list("pk", "name")
                assert [tuple(c) for c in choices.teams] == list(teams_by_name)
                macros = macros_of(user.pk, team_id).rewrite(False).values_list("pk", "name")
                assert [tuple(c) for c in choices.macros] == list(macros)
    assert Category.objects.filter(is_active=True).count() == len(queue_choices(actors.l1).categories)
