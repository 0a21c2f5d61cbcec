"""Saved views: an agent keeps the queue's filters, sort and columns under a name; a supervisor shares
one with their team; the sidebar lists them with capped counts in a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import TicketFactory
from tickets import selectors
from tickets.models import Channel, Priority, SavedView, Status, Tag, Ticket, TicketTag

pytestmark = pytest.mark.django_db

QUEUE = reverse("tickets:queue")
CREATE = reverse("tickets:saved_view_create")


def sidebar(response) -> dict[str, str]:
    """{view name: its count as shown} for every view in the sidebar."""
    aside = re.search(r'<aside class="views-sidebar".*?</aside>', response.content.decode(), re.S).group(0)
    found = re.findall(
        r'<a href="/queue/\?[^"]*"[^>]*>([^<]+)</a>(?: <span class="view-count"[^>]*>([^<]+)</span>)?', aside
    )
    return dict(found)


def group(response, which: str) -> list[str]:
    block = re.search(rf'<ul class="views-list" data-views="{which}">.*?</ul>', response.content.decode(), re.S)
    return re.findall(r'<a href="/queue/\?[^"]*"[^>]*>([^<]+)</a>', block.group(0)) if block else []


def save_view(client, user, name: str, query: str):
    client.force_login(user)
    return client.post(CREATE, {"name": name, "query": query})


def test_an_agent_saves_the_queues_filters_sort_and_columns_and_sees_the_view_with_its_count(client, actors, teams):
    for _ in range(2):
        TicketFactory(team=teams.europe, priority=Priority.HIGH)
    TicketFactory(team=teams.europe, priority=Priority.LOW)

    response = save_view(client, actors.l1, "Hot ones", "view=team&priority=3&sort=due&cols=priority&cols=status")

    view = SavedView.objects.get(owner=actors.l1)
    assert (view.base, view.filters, view.sort, view.columns) == (
        "team",
        {"priority": "3"},
        "due",
        ["priority", "status"],
    )
    assert response.status_code == 302 and response["Location"] == view.get_absolute_url()
    page = client.get(response["Location"])
    assert sidebar(page)["Hot ones"] == "2"
    assert group(page, "own") == ["Hot ones"]
    table_head = re.search(r"<thead>.*?</thead>", page.content.decode(), re.S).group(0)
    assert "Priority" in table_head and "Customer" not in table_head and "Channel" not in table_head


def test_the_view_is_saved_from_the_filter_forms_fields_sent_along(client, actors, teams):
    TicketFactory(team=teams.europe, channel=Channel.EMAIL)
    client.force_login(actors.l1)

    client.post(CREATE, {"name": "Email", "view": "team", "channel": "email", "query": "view=mine"})

    assert SavedView.objects.get(owner=actors.l1).filters == {"channel": "email"}


def test_a_filter_the_queue_form_refuses_is_not_saved(client, actors, teams):
    response = save_view(client, actors.l1, "Bad", "view=team&priority=9")

    assert not SavedView.objects.exists()
    page = client.get(response["Location"])
    assert "Priority" in page.content.decode() and "not one of the available choices" in page.content.decode()


def test_a_view_an_agent_may_not_open_cannot_be_saved(client, actors, teams):
    save_view(client, actors.l1, "Everything", "view=all")

    assert not SavedView.objects.exists()


def test_an_agent_renames_and_deletes_their_own_view(client, actors, teams):
    save_view(client, actors.l1, "Mine open", "view=mine")
    view = SavedView.objects.get()

    client.post(reverse("tickets:saved_view_rename", args=[view.pk]), {"name": "  My  open "})
    assert SavedView.objects.get().name == "My open"

    client.post(reverse("tickets:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.exists()


def test_another_agent_can_neither_see_nor_change_my_view(client, actors, teams):
    save_view(client, actors.l1, "Mine open", "view=mine")
    view = SavedView.objects.get()
    client.force_login(actors.l2)

    assert "Mine open" not in sidebar(client.get(QUEUE))
    rename = client.post(reverse("tickets:saved_view_rename", args=[view.pk]), {"name": "Taken"})
    delete = client.post(reverse("tickets:saved_view_delete", args=[view.pk]))

    assert rename.status_code == delete.status_code == 404
    assert SavedView.objects.get().name == "Mine open"


def test_two_views_of_one_agent_need_different_names(client, actors, teams):
    save_view(client, actors.l1, "Urgent", "view=team&priority=4")
    save_view(client, actors.l1, "urgent", "view=team&priority=3")

    assert SavedView.objects.count() == 1


def test_a_supervisor_shares_a_view_with_their_team_and_only_a_supervisor_of_it_may_change_it(client, actors, teams):
    TicketFactory(team=teams.europe, priority=Priority.URGENT)
    save_view(client, actors.supervisor, "Urgent", "view=team&priority=4")
    view = SavedView.objects.get()
    client.post(reverse("tickets:saved_view_share", args=[view.pk]))
    view.refresh_from_db()
    assert view.team == teams.europe

    client.force_login(actors.l1)
    page = client.get(QUEUE)
    assert group(page, "team") == ["Urgent"] and sidebar(page)["Urgent"] == "1"
    assert f'action="{reverse("tickets:saved_view_rename", args=[view.pk])}"' not in page.content.decode()
    client.post(reverse("tickets:saved_view_rename", args=[view.pk]), {"name": "Mine now"})
    client.post(reverse("tickets:saved_view_delete", args=[view.pk]))
    assert SavedView.objects.get().name == "Urgent"

    client.force_login(actors.other_team_agent)
    assert "Urgent" not in sidebar(client.get(QUEUE))
    assert client.post(reverse("tickets:saved_view_delete", args=[view.pk])).status_code == 404


def test_an_agent_cannot_share_a_view(client, actors, teams):
    save_view(client, actors.l1, "Mine", "view=mine")
    view = SavedView.objects.get()

    client.post(reverse("tickets:saved_view_share", args=[view.pk]))

    view.refresh_from_db()
    assert view.team is None


def test_a_supervisor_shares_only_with_the_team_they_supervise(actors, teams):
    from helpdesk.errors import NotAllowed
    from tickets.services.saved_views import ViewSpec, saved_view_create, saved_view_share

    view = saved_view_create(owner=actors.supervisor, name="Mine", spec=ViewSpec(base="team"))

    with pytest.raises(NotAllowed):
        saved_view_share(view=view, actor=actors.supervisor, team=teams.america)
    assert saved_view_share(view=view, actor=actors.supervisor, team=teams.europe).team == teams.europe


def test_counts_stop_at_1000(client, actors, teams):
    now = timezone.now()
    customer = TicketFactory(team=teams.europe).customer
    Ticket.objects.bulk_create(
        Ticket(
            subject=f"bulk {i}",
            customer=customer,
            team=teams.europe,
            channel=Channel.API,
            status=Status.OPEN,
            priority=Priority.HIGH,
            last_activity_at=now,
        )
        for i in range(selectors.WAITING_CAP + 5)
    )
    save_view(client, actors.l1, "High", "view=team&priority=3")
    save_view(client, actors.l1, "Low", "view=team&priority=1")

    with CaptureQueriesContext(connection) as queries:
        counts = sidebar(client.get(QUEUE))

    assert counts["High"] == "1,000+" and counts["My team"] == "1,000+"
    assert counts["Low"] == "0" and counts["Mine"] == "0"
    # the queue's own count is one capped subquery; the sidebar's statement counts every view (the
    # statements travel in one round trip, one query string, with the conversations waiting)
    together = [q["sql"] for q in queries if "capped_" in q["sql"]]
    assert len(together) == 1
    counted = sorted(sql.count("LIMIT 1001") for sql in together[0].split("; ") if "capped_" in sql)
    assert counted == [1, 3 + 2]  # mine, unassigned, my team, then the two saved views


def test_a_view_of_solved_tickets_has_no_count(client, actors, teams):
    TicketFactory(team=teams.europe, status=Status.SOLVED)
    save_view(client, actors.l1, "Solved", "view=team&status=solved")

    assert sidebar(client.get(QUEUE))["Solved"] == ""


def test_the_queue_runs_the_same_number_of_queries_with_one_or_twenty_saved_views(client, actors, teams):
    TicketFactory(team=teams.europe)
    save_view(client, actors.l1, "View 0", "view=team&priority=1")
    client.get(QUEUE)  # warm caches that are not per page

    counts = []
    for extra in (0, 19):
        for i in range(extra):
            save_view(client, actors.l1, f"More {i}", f"view=team&priority={1 + i % 4}&channel=email")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE, {"view": "team"})
        assert len(group(response, "own")) == 1 + extra
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_supervisors_all_covers_the_team_they_supervise_and_no_other(client, actors, teams):
    TicketFactory(team=teams.europe)
    TicketFactory(team=teams.europe, assignee=actors.l1)
    TicketFactory(team=teams.america)
    client.force_login(actors.supervisor)

    page = client.get(QUEUE, {"view": "all"})

    assert sidebar(page)["All"] == "2"
    assert len(re.findall(r'<span class="ref">', page.content.decode())) == 2


def test_counts_follow_the_tickets_and_the_views_filters_while_the_statement_is_kept(client, actors, teams):
    TicketFactory(team=teams.europe, priority=Priority.HIGH)
    save_view(client, actors.l1, "Hot ones", "view=team&priority=3")
    assert sidebar(client.get(QUEUE))["Hot ones"] == "1"

    TicketFactory(team=teams.europe, priority=Priority.HIGH)
    TicketFactory(team=teams.europe, priority=Priority.LOW)
    assert sidebar(client.get(QUEUE))["Hot ones"] == "2"

    SavedView.objects.filter(owner=actors.l1).update(filters={"priority": "1"})  # changed outside the services
    assert sidebar(client.get(QUEUE))["Hot ones"] == "1"


def test_a_tag_views_count_finds_a_tag_made_after_the_view(client, actors, teams):
    ticket = TicketFactory(team=teams.europe)
    save_view(client, actors.l1, "Fragile", "view=team&tag=fragile")
    assert sidebar(client.get(QUEUE))["Fragile"] == "0"  # no such tag yet

    TicketTag.objects.create(ticket=ticket, tag=Tag.objects.create(name="fragile"))

    assert sidebar(client.get(QUEUE))["Fragile"] == "1"
