"""Paging the ticket list: every ticket a caller may see that passes the filters, once, whichever way
the cursor walks; a cursor that was tampered with is answered as a bad cursor on every list."""

from __future__ import annotations

from base64 import b64encode
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import CustomerFactory, TicketFactory
from tickets.models import Priority, Status, Ticket

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def walk(api: APIClient, first: str, params: dict, link: str) -> list[list[int]]:
    """The pages met following `link` ("next" or "previous") from the first page asked for."""
    pages = []
    body = api.get(first, params).json()
    while True:
        pages.append([row["id"] for row in body["results"]])
        if body[link] is None:
            return pages
        body = api.get(body[link]).json()


def cursor(**fields: str) -> str:
    return b64encode(urlencode(fields).encode()).decode("ascii")


@pytest.fixture
def mixed(actors, teams):
    """Tickets of two teams in several states and priorities, one assigned across teams to l1."""
    made = []
    for n in range(14):
        made.append(
            TicketFactory(
                team=teams.europe if n % 3 else teams.america,
                customer=CustomerFactory(),
                status=(Status.NEW, Status.OPEN, Status.PENDING)[n % 3],
                priority=Priority.HIGH if n % 2 else Priority.NORMAL,
            )
        )
    Ticket.objects.filter(pk=made[0].pk).update(assignee=actors.l1)  # an America ticket assigned to l1
    return made


@pytest.mark.parametrize(
    ("who", "params"),
    [
        ("l1", {}),
        ("l1", {"status": ["new", "open"]}),
        ("admin", {"status": ["open", "pending"], "priority": "high"}),
        ("admin", {"assignee": "none"}),
        ("other_team_agent", {"team": "TEAM"}),
    ],
)
def test_every_page_forward_and_back_holds_each_matching_ticket_once(actors, teams, mixed, who, params):
    user = getattr(actors, who)
    params = {k: (teams.america.pk if v == "TEAM" else v) for k, v in params.items()}
    visible = Ticket.objects.all() if who == "admin" else Ticket.objects.none()
    if who == "l1":
        visible = Ticket.objects.filter(team=teams.europe) | Ticket.objects.filter(assignee=actors.l1)
    if who == "other_team_agent":
        visible = Ticket.objects.filter(team=teams.america)
    if "status" in params:
        visible = visible.filter(status__in=params["status"])
    if "priority" in params:
        visible = visible.filter(priority=Priority.HIGH)
    if "assignee" in params:
        visible = visible.filter(assignee__isnull=True)
    expected = list(visible.order_by("-id").values_list("id", flat=True))
    assert expected  # each case lists something

    api = client_for(user)
    forward = walk(api, "/api/v1/tickets/", {**params, "page_size": 3}, "next")
    assert [pk for page in forward for pk in page] == expected
    assert all(len(page) == 3 for page in forward[:-1])

    # From the last page back to the first, through the "previous" links.
    last = api.get("/api/v1/tickets/", {**params, "page_size": 3}).json()
    while last["next"] is not None:
        last = api.get(last["next"]).json()
    back = [[row["id"] for row in last["results"]]]
    body = last
    while body["previous"] is not None:
        body = api.get(body["previous"]).json()
        back.append([row["id"] for row in body["results"]])
    assert back[::-1] == forward


def test_a_cursor_whose_position_is_not_an_id_is_refused_as_a_bad_cursor(actors, mixed):
    api = client_for(actors.admin)
    for url in ("/api/v1/tickets/", "/api/v1/customers/", "/api/v1/orders/"):
        for position in ("abc", "1.5", "", "²"):
            response = api.get(url, {"cursor": cursor(p=position)})
            assert response.status_code == 404, (url, position)
            assert response.json()["detail"] == "Invalid cursor"
    after = max(t.pk for t in mixed) - 2
    listed = api.get("/api/v1/tickets/", {"cursor": cursor(p=str(after))}).json()["results"]
    assert [row["id"] for row in listed] == sorted((t.pk for t in mixed if t.pk < after), reverse=True)


def test_many_page_sizes_and_offsets_keep_answering_with_the_kept_statements_bounded(actors, mixed, monkeypatch):
    """Each page size and cursor offset is a statement of its own: a caller cycling through many of
    them is answered correctly, and the statements kept stay within their bound (emptied when full)."""
    from helpdesk import prepared
    from tickets.api.ticket_list import _PAGE

    monkeypatch.setattr(prepared, "KEPT", 5)
    api = client_for(actors.admin)
    newest = sorted((t.pk for t in mixed), reverse=True)
    for size in range(1, 15):
        for offset in (0, 1):
            found = api.get("/api/v1/tickets/", {"page_size": size, "cursor": cursor(o=str(offset))}).json()
            assert [row["id"] for row in found["results"]] == newest[offset : offset + size]
            assert len(_PAGE._kept) <= 5


def test_ids_beyond_any_column_find_nothing_and_break_nothing(actors, mixed):
    api = client_for(actors.admin)
    huge = str(10**30)
    for name in ("team", "customer", "order", "assignee"):
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/tickets/", {name: huge})
        assert (response.status_code, response.json()["results"]) == (200, []), name
        # found empty without a statement that would compare every ticket's id as a numeric
        assert not [q for q in queries.captured_queries if '"tickets_ticket"' in q["sql"]], name
    with CaptureQueriesContext(connection) as queries:
        newest = api.get("/api/v1/tickets/", {"cursor": cursor(p=huge)}).json()["results"]
    assert [row["id"] for row in newest] == sorted((t.pk for t in mixed), reverse=True)
    assert any(f"< {2**63 - 1}" in q["sql"] for q in queries.captured_queries)
