"""Page fragments kept per process and keyed by what they show (helpdesk/fragments.py): a page is
rendered on every request from the data of the moment, and its unchanged parts come from the store."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk.fragments import CSRF_PLACEHOLDER, key_part, store
from tests.factories import TicketFactory
from tickets import services
from tickets.models import AgentProfile, Category, Customer, Priority, Ticket

pytestmark = pytest.mark.django_db

QUEUE = reverse("tickets:queue")


@pytest.fixture(autouse=True)
def _fresh_store():
    store.clear()
    yield
    store.clear()


def row(response, ticket: Ticket) -> str:
    found = re.search(rf'<tr data-ticket="{ticket.pk}">.*?</tr>', response.content.decode(), re.S)
    assert found, f"{ticket.reference} is not listed"
    return found.group(0)


def test_a_row_shows_each_change_to_what_it_displays_even_one_made_outside_the_services(client, actors, teams):
    ticket = TicketFactory(team=teams.europe, subject="Parcel stuck in Leipzig", customer=actors.customer)
    client.force_login(actors.l1)
    first = row(client.get(QUEUE, {"view": "team"}), ticket)
    assert "Parcel stuck in Leipzig" in first and "Lena Schmidt" in first
    assert len(store) > 0  # the page's fragments were kept

    Customer.objects.filter(pk=actors.customer.pk).update(name="Lena Schmidt-Weber")  # no signal, no save()
    assert "Lena Schmidt-Weber" in row(client.get(QUEUE, {"view": "team"}), ticket)

    Ticket.objects.filter(pk=ticket.pk).update(subject="Parcel found in Leipzig")
    assert "Parcel found in Leipzig" in row(client.get(QUEUE, {"view": "team"}), ticket)

    services.ticket_set_priority(ticket=ticket, priority=Priority.URGENT, actor=actors.l1)
    assert "prio-4" in row(client.get(QUEUE, {"view": "team"}), ticket) and "prio-4" not in first


def test_time_left_moves_on_with_the_clock(client, actors, teams, clock):
    ticket = TicketFactory(team=teams.europe)
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=timezone.now() + timedelta(hours=3))
    client.force_login(actors.l1)
    assert "3\xa0hours left" in row(client.get(QUEUE, {"view": "team"}), ticket)

    clock.shift(timedelta(hours=2))

    assert "1\xa0hour left" in row(client.get(QUEUE, {"view": "team"}), ticket)

    clock.shift(timedelta(minutes=1))  # a minute is the smallest step the badge shows

    assert "59\xa0minutes left" in row(client.get(QUEUE, {"view": "team"}), ticket)

    clock.shift(timedelta(hours=1, minutes=2))

    assert "3\xa0minutes overdue" in row(client.get(QUEUE, {"view": "team"}), ticket)


def test_a_row_and_the_filter_name_the_category_and_assignee_as_they_are_now_in_the_agents_language(
    client, actors, teams, categories
):
    ticket = TicketFactory(team=teams.europe, category=categories.logistics, assignee=actors.l2)
    client.force_login(actors.l1)
    first = row(client.get(QUEUE, {"view": "team"}), ticket)
    assert "Logistics" in first and actors.l2.get_full_name() in first

    AgentProfile.objects.filter(user=actors.l1).update(ui_language="zh-hans")
    assert "Logistics" in row(client.get(QUEUE, {"view": "team"}), ticket)  # no Chinese name yet: the English one

    Category.objects.filter(pk=categories.logistics.pk).update(name_zh_hans="物流")
    type(actors.l2).objects.filter(pk=actors.l2.pk).update(first_name="", last_name="")
    response = client.get(QUEUE, {"view": "team"})
    shown = row(response, ticket)
    assert "物流" in shown and "Logistics" not in shown
    assert f'<option value="{categories.logistics.pk}">物流</option>' in response.content.decode()  # the filter
    assert f"<td>{actors.l2.username}</td>" in shown  # no name: the username


def test_each_browser_gets_its_own_csrf_token_in_a_kept_form(actors, teams):
    TicketFactory(team=teams.europe)
    tokens = []
    for _ in range(2):
        browser = Client()
        browser.force_login(actors.l1)
        browser.get(QUEUE)  # sets this browser's CSRF cookie
        html = browser.get(QUEUE).content.decode()
        assert CSRF_PLACEHOLDER not in html
        posted = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert posted, "the page has forms"
        secret = browser.cookies["csrftoken"].value
        assert {_unmask_cipher_token(token) for token in posted} == {secret}
        tokens.append(secret)
    assert tokens[0] != tokens[1]


def test_a_fragment_is_kept_per_language():
    template = Template('{% load i18n %}{% fragment "greeting" 1 %}{% translate "Queue" %}{% endfragment %}')
    with translation.override("en"):
        english = template.render(Context())
    with translation.override("de"):
        german = template.render(Context())
    assert english == "Queue" and german == "Warteschlange"


def test_the_store_keeps_at_most_the_entries_it_is_allowed(settings):
    settings.FRAGMENT_CACHE_ENTRIES = 2
    template = Template('{% fragment "n" n %}<b>{{ n }}</b>{% endfragment %}')
    for n in range(5):
        assert template.render(Context({"n": n})) == f"<b>{n}</b>"
    assert len(store) == 2


def test_a_key_refuses_a_record_whose_text_names_only_its_id(actors):
    with pytest.raises(TypeError):
        key_part((1, actors.customer))
    assert key_part([1, "a", None]) == (1, "a", None)


def test_the_kept_head_loads_the_live_script_for_agents_only(client, actors):
    client.force_login(actors.l1)
    assert "js/live" in client.get(QUEUE).content.decode()
    client.logout()
    login = client.get(reverse("login")).content.decode()
    assert "js/helpdesk" in login and "js/live" not in login


def test_a_key_of_rows_reads_as_the_same_rows_nested(actors):
    rows = [(1, "Lost parcel"), (2, "Customs")]
    assert key_part(rows) == ((1, "Lost parcel"), (2, "Customs"))
    assert key_part([rows, 3]) == (((1, "Lost parcel"), (2, "Customs")), 3)
    with pytest.raises(TypeError):
        key_part([(1, "Lost parcel"), (2, actors.l1)])  # a record among the rows is still refused
    with pytest.raises(TypeError):
        key_part([(1, 2), [3, {"a": 1}]])
