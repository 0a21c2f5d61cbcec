"""Tags and macros where agents work: tags on the ticket page and as a queue filter, the macro picker
with its preview in the customer's language, and the page where macros are kept."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, TicketFactory
from tickets import services
from tickets.models import Macro, MessageKind, Priority, Status, Tag, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def page_of(client, ticket, **params):
    return client.get(reverse("tickets:detail", args=[ticket.pk]), params).content.decode()


def shown_tags(html: str) -> list[str]:
    return re.findall(r'<li class="tag" data-tag="([^"]+)">', html)


# --- Tags -------------------------------------------------------------------------------------


def test_tags_are_shown_added_and_removed_on_the_ticket_page(client, actors, teams):
    ticket = TicketFactory(team=teams.europe)
    client.force_login(actors.l1)
    url = reverse("tickets:tags", args=[ticket.pk])

    client.post(url, {"add": "Fragile"})
    client.post(url, {"add": "customs"})
    assert shown_tags(page_of(client, ticket)) == ["customs", "Fragile"]

    client.post(url, {"remove": "fragile"})
    assert shown_tags(page_of(client, ticket)) == ["customs"]
    assert TicketEvent.objects.filter(ticket=ticket, kind="tags", actor=actors.l1).count() == 3


def test_only_admin_kept_tags_when_the_admin_says_so(client, actors, teams, settings):
    settings.TAGS_ADMIN_MANAGED_ONLY = True
    Tag.objects.create(name="VIP", managed=True)
    ticket = TicketFactory(team=teams.europe)
    client.force_login(actors.l1)
    url = reverse("tickets:tags", args=[ticket.pk])

    refused = client.post(url, {"add": "whatever"}, follow=True).content.decode()
    assert "Only the tags an admin keeps may be used: whatever." in refused
    client.post(url, {"add": "vip"})
    assert shown_tags(page_of(client, ticket)) == ["VIP"]
    assert not Tag.objects.filter(name="whatever").exists()


def test_another_teams_ticket_cannot_be_tagged(client, actors, teams):
    ticket = TicketFactory(team=teams.america)
    client.force_login(actors.l1)
    assert client.post(reverse("tickets:tags", args=[ticket.pk]), {"add": "x"}).status_code == 404


def test_the_queue_filters_by_tag_in_any_case(client, actors, teams):
    tagged = TicketFactory(team=teams.europe, status=Status.OPEN)
    TicketFactory(team=teams.europe, status=Status.OPEN)
    services.ticket_change_tags(ticket=tagged, actor=actors.l1, add=["Customs"])
    client.force_login(actors.l1)
    html = client.get(reverse("tickets:queue"), {"view": "team", "tag": "customs"}).content.decode()
    assert re.findall(r'<span class="ref">(HD-\d+)</span>', html) == [tagged.reference]


# --- Macros on the ticket page ----------------------------------------------------------------

REPLIES = {
    "en": "Hello {customer_name}, about {ticket_reference}.",
    "de": "Hallo {customer_name}, zu {ticket_reference}.",
    "fr": "Bonjour {customer_name}, au sujet de {ticket_reference}.",
    "es": "Hola {customer_name}, sobre {ticket_reference}.",
    "ja": "{customer_name} 様、{ticket_reference} について。",
    "zh-hans": "{customer_name}，您好，关于 {ticket_reference}。",
}


@pytest.fixture
def greeting():
    fields = {f"reply_{code.replace('-', '_')}": text for code, text in REPLIES.items()}
    return Macro.objects.create(name="Greeting", status=Status.PENDING, priority=Priority.HIGH, **fields)


@pytest.mark.parametrize("language", list(REPLIES))
def test_a_macro_is_previewed_and_applied_in_the_customers_language(client, actors, teams, greeting, language):
    customer = CustomerFactory(name="Kim", language=language)
    ticket = TicketFactory(team=teams.europe, customer=customer, language=language, status=Status.OPEN)
    expected = REPLIES[language].replace("{customer_name}", "Kim").replace("{ticket_reference}", ticket.reference)
    client.force_login(actors.l1)

    page = page_of(client, ticket, macro=greeting.pk)
    preview = re.search(r'<div class="macro-preview".*?</div>', page, re.S).group(0)
    assert expected in preview
    assert "Status: Pending" in preview and "Priority: High" in preview  # what it will change
    assert not ticket.messages.exists()  # a preview changes nothing

    client.post(reverse("tickets:macro_apply", args=[ticket.pk]), {"macro": greeting.pk})
    ticket.refresh_from_db()
    assert ticket.messages.get(kind=MessageKind.REPLY).body == expected
    assert (ticket.status, ticket.priority) == (Status.PENDING, Priority.HIGH)


def test_a_refused_macro_is_explained_and_changes_nothing(client, actors, teams, categories):
    macro = Macro.objects.create(name="Solve", status=Status.SOLVED, category=categories.logistics)
    ticket = TicketFactory(team=teams.europe, status=Status.OPEN)
    client.force_login(actors.l1)
    page = client.post(reverse("tickets:macro_apply", args=[ticket.pk]), {"macro": macro.pk}, follow=True)
    assert "The macro was not applied" in page.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


# --- Keeping macros ---------------------------------------------------------------------------


def macro_data(**changes):
    return {"name": "Mine", "reply_en": "Hi {customer_name}", "reply_de": "Hallo", "priority": "", **changes}


def test_an_agent_keeps_their_own_macros_only(client, actors, teams):
    client.force_login(actors.l1)
    form = client.get(reverse("tickets:macro_new")).content.decode()
    assert "{customer_name}" in form and "Share with my team" not in form
    assert 'name="reply_ja"' in form and 'name="reply_zh_hans"' in form

    client.post(reverse("tickets:macro_new"), macro_data(shared="on", tags="first, second"))
    mine = Macro.objects.get(name="Mine")
    assert (mine.owner, mine.team, mine.reply_de) == (actors.l1, None, "Hallo")
    assert sorted(t.name for t in mine.tags.all()) == ["first", "second"]

    client.force_login(actors.l2)
    assert client.get(reverse("tickets:macro_edit", args=[mine.pk])).status_code == 404
    assert client.post(reverse("tickets:macro_delete", args=[mine.pk])).status_code == 404
    assert Macro.objects.filter(pk=mine.pk).exists()


def test_a_supervisor_shares_a_macro_with_their_team(client, actors, teams):
    client.force_login(actors.supervisor)
    client.post(reverse("tickets:macro_new"), macro_data(name="Team greeting", shared="on"))
    shared = Macro.objects.get(name="Team greeting")
    assert (shared.owner, shared.team) == (None, teams.europe)
    assert shared in services.macros_visible_to(actors.l1)
    assert shared not in services.macros_visible_to(actors.other_team_agent)

    client.force_login(actors.l1)  # a team member uses it, but does not change it
    assert client.get(reverse("tickets:macro_edit", args=[shared.pk])).status_code == 404
    assert "Team greeting" in client.get(reverse("tickets:macros")).content.decode()


def test_macros_for_every_team_stay_with_the_admin(client, actors):
    everyone = Macro.objects.create(name="For all")
    client.force_login(actors.supervisor)
    assert client.get(reverse("tickets:macro_edit", args=[everyone.pk])).status_code == 404
    assert client.post(reverse("tickets:macro_delete", args=[everyone.pk])).status_code == 404


def test_facts_must_belong_to_the_macros_category(client, actors, categories):
    client.force_login(actors.l1)
    response = client.post(reverse("tickets:macro_new"), macro_data(facts="tracking_number: 123"))
    assert response.status_code == 422 and "Facts need a category" in response.content.decode()
    response = client.post(
        reverse("tickets:macro_new"), macro_data(facts="colour: red", category=categories.logistics.pk)
    )
    assert "Not facts of this category: colour." in response.content.decode()
    client.post(
        reverse("tickets:macro_new"), macro_data(facts="tracking_number: 123", category=categories.logistics.pk)
    )
    assert Macro.objects.get(name="Mine").facts == {"tracking_number": "123"}


def test_the_tag_filter_reads_the_tickets_of_a_tag_through_its_index(actors, teams):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets import selectors

    ticket = TicketFactory(team=teams.europe, status=Status.OPEN)
    services.ticket_change_tags(ticket=ticket, actor=actors.l1, add=["customs"])
    with CaptureQueriesContext(connection) as queries:
        page = selectors.queue_tickets(actors.l1, "team", selectors.QueueFilters(tag="Customs"))
    assert [t.pk for t in page.tickets] == [ticket.pk]
    tag_sql, page_sql = (
        next(q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{table}"'))
        for table in ("tickets_tag", "tickets_ticket")
    )
    plans = []
    with connection.cursor() as db:
        db.execute("SET LOCAL enable_seqscan = off")  # tiny test tables: ask which index serves it
        db.execute("SET LOCAL enable_bitmapscan = off")
        for sql in (tag_sql, page_sql):
            db.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in db.fetchall()))
    assert "tag_name_unique_ci" in plans[0], plans[0]
    plan = plans[1]
    assert re.search(r"Index (Only )?Scan using ticket_tag_(by_tag|once) on tickets_tickettag", plan), plan
    assert "Seq Scan" not in plan
