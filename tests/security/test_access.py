"""Cross-team access: an agent (or supervisor) of Europe probing North America's ticket, its
conversation, photo, compensation, survey answer, care follow-up and case. Every door answers
404 as if nothing were there, changes nothing, and no list or search lets a row through."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from policies.models import CompensationRequest
from workspace.models import Notification

from .conftest import (
    SECRET_WORD,
    VICTIM_EMAIL,
    VICTIM_NAME,
    VICTIM_ORDER,
    VICTIM_PHONE,
    api_client,
    changed_tables,
    changes_so_far,
)

pytestmark = pytest.mark.django_db

IGNORED_TABLES = {"django_session"}


def _identity(victim) -> list[str]:
    """What would tell an attacker who the victim is or which ticket is theirs."""
    return [VICTIM_NAME, VICTIM_EMAIL, VICTIM_PHONE, VICTIM_ORDER, victim.ticket.reference, victim.solved.reference]


def _page_urls(victim) -> list[str]:
    ticket = victim.ticket.pk
    return [
        reverse("tickets:detail", args=[ticket]),
        reverse("tickets:attachment", args=[ticket, victim.attachment.token]),
        reverse("policies:request_create", args=[ticket]),
        reverse("policies:request", args=[victim.pending.pk]),
        reverse("policies:request", args=[victim.granted.pk]),
        reverse("feedback:care_detail", args=[victim.care.pk]),
        reverse("insights:customer", args=[victim.customer.pk]),
    ]


def _posts(victim, own) -> list[tuple[str, dict]]:
    ticket = victim.ticket.pk
    return [
        (reverse("tickets:reply", args=[ticket]), {"reply-body": "Injected reply"}),
        (reverse("tickets:note", args=[ticket]), {"note-body": "Injected note"}),
        (reverse("tickets:facts", args=[ticket]), {"order_number": "X"}),
        (reverse("tickets:merge", args=[ticket]), {"target": own.reference, "confirm": "on"}),
        (reverse("tickets:change", args=[ticket, "status"]), {"status": "solved"}),
        (reverse("tickets:change", args=[ticket, "priority"]), {"priority": "4"}),
        (reverse("tickets:change", args=[ticket, "assignee"]), {"assignee": ""}),
        (reverse("policies:request_create", args=[ticket]), {"kind": "gift", "amount": "5", "description": "x"}),
        (reverse("policies:decide", args=[victim.pending.pk]), {"decision": "approved", "comment": "mine now"}),
        (reverse("feedback:case_summary", args=[victim.solved.pk]), {"solution": "Overwritten"}),
        (reverse("feedback:care_detail", args=[victim.care.pk]), {"outcome": "resolved", "note": "closed by us"}),
    ]


def test_every_page_of_the_other_team_answers_404(client, actors, victim):
    # given a supervisor of Europe (who sees more than an agent)
    client.force_login(actors.supervisor)
    # when they open the other team's ticket, photo, compensation requests and care follow-up
    answers = {url: client.get(url).status_code for url in _page_urls(victim)}
    # then each answers as if it did not exist
    assert answers == dict.fromkeys(answers, 404)


def test_every_change_to_the_other_teams_rows_answers_404_and_changes_nothing(client, actors, victim, own):
    client.force_login(actors.supervisor)
    status, messages = victim.ticket.status, victim.ticket.messages.count()
    for url, data in _posts(victim, own):
        before = changes_so_far()
        response = client.post(url, data)
        assert response.status_code == 404, url
        assert not changed_tables(before, changes_so_far(), IGNORED_TABLES), url
    victim.ticket.refresh_from_db()
    assert victim.ticket.status == status and victim.ticket.messages.count() == messages


def test_the_api_answers_404_for_each_of_the_other_teams_rows(actors, victim):
    api = api_client(actors.supervisor)
    ticket = victim.ticket.pk
    attempts = [
        api.get(f"/api/v1/tickets/{ticket}/"),
        api.patch(f"/api/v1/tickets/{ticket}/", {"priority": "urgent"}, format="json"),
        api.post(f"/api/v1/tickets/{ticket}/facts/", {"facts": {"order_number": "X"}}, format="json"),
        api.get(f"/api/v1/tickets/{ticket}/messages/"),
        api.post(f"/api/v1/tickets/{ticket}/messages/", {"kind": "note", "body": "hi"}, format="json"),
        api.get(f"/api/v1/attachments/{victim.attachment.pk}/"),
        api.get(f"/api/v1/attachments/{victim.attachment.pk}/download/"),
        api.get(f"/api/v1/policies/requests/{victim.pending.pk}/"),
        api.get(f"/api/v1/policies/requests/{victim.granted.pk}/"),
        api.post(f"/api/v1/policies/requests/{victim.pending.pk}/approve/", {"comment": "ok"}, format="json"),
        api.post(f"/api/v1/policies/requests/{victim.pending.pk}/reject/", {"comment": "no"}, format="json"),
        api.post("/api/v1/policies/requests/", {"ticket": ticket, "kind": "gift", "amount": "5"}, format="json"),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    victim.pending.refresh_from_db()
    assert victim.pending.state == "pending"
    assert victim.ticket.compensation_requests.count() == 2


def test_api_lists_never_include_the_other_teams_rows_whatever_the_filter(actors, victim, own):
    api = api_client(actors.supervisor)
    victim_ids = {victim.ticket.pk, victim.solved.pk}
    queries = ["", f"?team={victim.team.pk}", f"?customer={victim.customer.pk}", f"?order={victim.order.pk}"]
    for query in queries:
        body = api.get(f"/api/v1/tickets/{query}").json()
        ids = {row["id"] for row in body["results"]}
        assert not ids & victim_ids, query
    assert own.pk in {row["id"] for row in api.get("/api/v1/tickets/").json()["results"]}  # the list does work
    requests = api.get(f"/api/v1/policies/requests/?ticket={victim.ticket.pk}").json()
    rows = requests["results"] if isinstance(requests, dict) else requests
    assert rows == []
    everything = api.get("/api/v1/policies/requests/").json()
    rows = everything["results"] if isinstance(everything, dict) else everything
    assert not {row["id"] for row in rows} & {victim.pending.pk, victim.granted.pk}


@pytest.mark.parametrize("view", ["mine", "unassigned", "team", "all"])
def test_queue_search_never_shows_the_other_teams_tickets_or_customers(client, actors, victim, own, view):
    client.force_login(actors.supervisor)
    for words in [SECRET_WORD, VICTIM_NAME, VICTIM_EMAIL, VICTIM_ORDER, VICTIM_PHONE, victim.ticket.reference]:
        response = client.get(reverse("tickets:queue"), {"view": view, "status": "any", "q": words})
        assert response.status_code == 200, words  # a reference it may not see is searched, not opened
        assert not {t.pk for t in response.context["page"].tickets} & {victim.ticket.pk, victim.solved.pk}
        # the page echoes the words searched for (in the box and the tabs' links): only the rest counts
        page = response.content.decode().replace(escape(words), "").replace(urlencode({"q": words})[2:], "")
        for secret in [*_identity(victim), f"{SECRET_WORD} lamp", f"/tickets/{victim.ticket.pk}/"]:
            assert secret not in page, (view, words, secret)
    control = client.get(reverse("tickets:queue"), {"view": "team", "status": "any", "q": "parcel"})
    assert escape(own.subject) in control.content.decode()


def test_merging_into_the_other_teams_ticket_is_told_no_such_ticket_like_a_missing_one(client, actors, victim, own):
    client.force_login(actors.l1)
    url = reverse("tickets:merge", args=[own.pk])
    foreign = client.post(url, {"target": victim.ticket.reference, "confirm": "on"})
    missing = client.post(url, {"target": "HD-999999", "confirm": "on"})
    assert foreign.status_code == missing.status_code == 422
    assert foreign.context["merge_form"].errors == missing.context["merge_form"].errors
    assert foreign.context["merge_form"].errors  # refused, not merged
    assert not own.events.filter(kind="merged_into").exists()


def test_approvals_queue_and_notifications_show_nothing_of_the_other_team(client, actors, victim):
    client.force_login(actors.supervisor)
    page = client.get(reverse("policies:queue")).content.decode()
    for secret in [*_identity(victim), SECRET_WORD]:
        assert secret not in page
    assert not Notification.objects.filter(user=actors.supervisor).exists()
    assert Notification.objects.filter(user=victim.supervisor).exists()  # the right supervisor was told


def test_an_escalated_request_shows_its_own_ticket_but_not_the_customers_other_tickets(client, actors, victim):
    # given the other team's request, escalated to every supervisor after 30 minutes
    CompensationRequest.objects.filter(pk=victim.pending.pk).update(escalated_at=timezone.now())
    client.force_login(actors.supervisor)
    page = client.get(reverse("policies:queue")).content.decode()
    # then our supervisor sees what they must decide, and nothing else of that team's customer
    assert victim.ticket.reference in page
    assert victim.solved.reference not in page and f"{SECRET_WORD} refund question" not in page
    client.force_login(victim.supervisor)  # the control: their own supervisor sees the history
    assert victim.solved.reference in client.get(reverse("policies:queue")).content.decode()


def test_care_list_of_another_team_shows_nothing_of_the_low_rating(client, actors, victim):
    client.force_login(actors.supervisor)
    for show in ("open", "done"):
        page = client.get(reverse("feedback:care_list"), {"show": show}).content.decode()
        for secret in [*_identity(victim), SECRET_WORD, reverse("feedback:care_detail", args=[victim.care.pk])]:
            assert secret not in page
    client.force_login(victim.supervisor)  # the control: their own supervisor sees it all
    assert VICTIM_NAME in client.get(reverse("feedback:care_list")).content.decode()
    assert VICTIM_NAME in client.get(reverse("feedback:care_detail", args=[victim.care.pk])).content.decode()


def test_the_shared_case_library_shows_the_case_without_who_it_was(client, actors, victim, own):
    # given the other team's solved case, whose customer signed their messages
    client.force_login(actors.l1)
    # when an agent of Europe searches the library, on its page and from their own ticket's panel
    search = client.get(reverse("feedback:cases"), {"q": SECRET_WORD})
    panel = client.get(reverse("feedback:cases"), {"q": SECRET_WORD, "ticket": own.pk}, HTTP_HX_REQUEST="true")
    ticket_page = client.get(reverse("tickets:detail", args=[own.pk]))
    # then the case's problem and solution are there, the customer and the ticket are not
    assert f"{SECRET_WORD} refund question" in search.content.decode()
    for response in (search, panel, ticket_page):
        page = response.content.decode()
        for secret in [*_identity(victim), "Zebulon", "Secretname", "victim.example"]:
            assert secret not in page, secret
        assert f"/tickets/{victim.solved.pk}/" not in page
    # and searching by who the customer is finds nothing
    for words in (VICTIM_EMAIL, VICTIM_NAME, VICTIM_PHONE, VICTIM_ORDER):
        assert client.get(reverse("feedback:cases"), {"q": words}).context["cases"] == [], words


# --- Customers and orders follow their tickets ---------------------------------------------


def test_the_api_lists_no_customer_or_order_of_the_other_team_whatever_the_filter(actors, victim, own):
    api = api_client(actors.supervisor)
    lists = [
        api.get("/api/v1/customers/"),
        api.get("/api/v1/customers/", {"email": VICTIM_EMAIL}),
        api.get("/api/v1/customers/", {"country": "US"}),
        api.get("/api/v1/orders/"),
        api.get("/api/v1/orders/", {"customer": victim.customer.pk}),
        api.get("/api/v1/orders/", {"external_number": VICTIM_ORDER}),
    ]
    assert [r.status_code for r in lists] == [200] * len(lists)
    for response in lists:
        text = response.content.decode()
        assert not [word for word in (VICTIM_NAME, VICTIM_EMAIL, VICTIM_PHONE, VICTIM_ORDER) if word in text]
    # The lists do work: our own ticket's customer is there.
    assert [row["id"] for row in lists[0].json()["results"]] == [actors.customer.pk]


def test_the_other_teams_customer_and_order_answer_404(actors, victim, own):
    api = api_client(actors.l1)
    attempts = [
        api.get(f"/api/v1/customers/{victim.customer.pk}/"),
        api.get(f"/api/v1/orders/{victim.order.pk}/"),
    ]
    assert [r.status_code for r in attempts] == [404, 404]
    assert api.get(f"/api/v1/customers/{actors.customer.pk}/").status_code == 200


def test_a_ticket_assigned_across_teams_shows_its_customer_and_order(actors, victim):
    from tickets.models import Ticket

    Ticket.objects.filter(pk=victim.ticket.pk).update(assignee=actors.l1)  # as a supervisor's escalation leaves it
    api = api_client(actors.l1)
    assert api.get(f"/api/v1/customers/{victim.customer.pk}/").json()["email"] == VICTIM_EMAIL
    assert api.get(f"/api/v1/orders/{victim.order.pk}/").json()["external_number"] == VICTIM_ORDER
    # ... but not to a colleague of the agent, who works none of that customer's tickets.
    assert api_client(actors.l2).get(f"/api/v1/customers/{victim.customer.pk}/").status_code == 404


def test_a_store_platform_sees_every_customer_and_order(actors, victim, own):
    from tests.factories import make_platform

    api = api_client(make_platform())
    customers = {row["id"] for row in api.get("/api/v1/customers/").json()["results"]}
    orders = {row["id"] for row in api.get("/api/v1/orders/").json()["results"]}
    assert {victim.customer.pk, actors.customer.pk} <= customers
    assert victim.order.pk in orders


def test_writes_naming_the_other_teams_customer_or_order_reveal_and_change_nothing(actors, victim, own):
    api = api_client(actors.l1)
    before = changes_so_far()
    again = api.post(
        "/api/v1/customers/", {"email": VICTIM_EMAIL.upper(), "external_ids": {"shop": "mine"}}, format="json"
    )
    order = api.post(
        "/api/v1/orders/",
        {
            "customer": victim.customer.pk,
            "external_number": "X-1",
            "currency": "USD",
            "total": "1.00",
            "placed_at": "2026-10-01T10:00:00Z",
        },
        format="json",
    )
    by_id = api.post(
        "/api/v1/tickets/", {"customer_id": victim.customer.pk, "subject": "s", "body": "b"}, format="json"
    )
    by_order = api.post(
        "/api/v1/tickets/",
        {"customer_id": actors.customer.pk, "order_id": victim.order.pk, "subject": "s", "body": "b"},
        format="json",
    )
    assert (again.status_code, order.status_code, by_id.status_code, by_order.status_code) == (409, 400, 400, 400)
    for response in (again, order, by_id, by_order):
        text = response.content.decode()
        assert not [word for word in (VICTIM_NAME, VICTIM_PHONE, VICTIM_ORDER) if word in text]
    assert not changed_tables(before, changes_so_far(), IGNORED_TABLES)
    victim.customer.refresh_from_db()
    assert "shop" not in victim.customer.external_ids


def test_the_customer_list_runs_the_same_number_of_queries_whatever_the_page_size(actors, teams):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CustomerFactory, OrderFactory, TicketFactory

    for _n in range(30):
        customer = CustomerFactory()
        TicketFactory(team=teams.europe, customer=customer, order=OrderFactory(customer=customer))
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    key = Token.objects.create(user=actors.l1).key  # a fresh user per request: no warm caches

    def queries(url: str, page_size: int) -> int:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(captured.captured_queries)

    for url in ("/api/v1/customers/", "/api/v1/orders/"):
        small, large = queries(url, 3), queries(url, 30)
        assert small == large
        assert large <= 6  # token + user, permissions (2), profile, the page


def test_the_at_risk_list_and_callbacks_show_nothing_of_the_other_teams_customer(client, actors, victim):
    from insights.services.profiles import profiles_refresh

    profiles_refresh()  # the victim's rating of 1 puts them at risk, for their own team
    client.force_login(actors.supervisor)

    for url in (reverse("insights:at_risk"), reverse("insights:callbacks"), reverse("insights:scorecards")):
        page = client.get(url).content.decode()
        assert all(escape(secret) not in page for secret in _identity(victim)), url
    client.force_login(victim.supervisor)
    assert escape(VICTIM_NAME) in client.get(reverse("insights:at_risk")).content.decode()
