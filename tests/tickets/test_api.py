"""The REST API for store platforms: customers, orders, tickets; who may call it, and how fast."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import CustomerFactory, OrderFactory, TicketFactory, UserFactory, make_platform
from tickets import services
from tickets.models import Channel, Customer, Order, Priority, Status, Ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def new_ticket(customer, **kwargs) -> Ticket:
    return services.ticket_create(
        customer=customer, subject="Parcel late", body="Where is it?", channel=Channel.WEB, **kwargs
    )


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def platform(actors):
    """A store platform's API account (the Integrations group): sees every customer and order."""
    return make_platform()


# --- Who may call the API ------------------------------------------------------------------


def test_anonymous_caller_is_asked_to_authenticate(actors):
    response = APIClient().get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_signed_in_user_without_the_ticket_permission_is_refused(actors):
    nobody = UserFactory.create(username="shopper")
    for url in ("/api/v1/tickets/", "/api/v1/customers/", "/api/v1/orders/"):
        assert client_for(nobody).get(url).status_code == 403


def test_token_authentication_works_and_a_wrong_token_is_refused(actors):
    new_ticket(actors.customer)
    assert token_client(actors.l1).get("/api/v1/tickets/").status_code == 200
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert wrong.get("/api/v1/tickets/").status_code == 401


def test_session_authentication_needs_a_csrf_token_to_write(actors):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(actors.l1)
    assert client.get("/api/v1/customers/").status_code == 200
    assert client.post("/api/v1/customers/", {"email": "x@example.com"}, format="json").status_code == 403


# --- Customers -----------------------------------------------------------------------------


def test_a_new_customer_is_created_and_a_known_email_returns_the_existing_one(actors, platform):
    api = client_for(platform)
    created = api.post(
        "/api/v1/customers/",
        {
            "email": "Yuki@Example.jp",
            "name": "Yuki",
            "language": "ja",
            "country": "jp",
            "external_ids": {"shopify": "77"},
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["country"] == "JP" and created.json()["language"] == "ja"
    again = api.post("/api/v1/customers/", {"email": "yuki@example.jp", "name": "Someone Else"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    assert again.json()["name"] == "Yuki"
    assert Customer.objects.filter(email__iexact="yuki@example.jp").count() == 1


def test_customer_with_a_bad_email_or_country_is_refused_naming_the_field(actors, platform):
    api = client_for(platform)
    bad_email = api.post("/api/v1/customers/", {"email": "not-an-email"}, format="json")
    assert bad_email.status_code == 400 and "email" in bad_email.json()
    bad_country = api.post("/api/v1/customers/", {"email": "a@example.com", "country": "1x"}, format="json")
    assert bad_country.status_code == 400 and "country" in bad_country.json()
    assert not Customer.objects.filter(email="a@example.com").exists()


def test_customers_are_filtered_by_email_country_and_external_id(actors, platform):
    fr = CustomerFactory.create(email="Marie@Example.fr", country="FR", external_ids={"shopify": "123"})
    CustomerFactory.create(country="US", external_ids={"shopify": 124})
    api = client_for(platform)
    assert ids(api.get("/api/v1/customers/", {"email": "marie@example.FR"})) == [fr.pk]
    assert ids(api.get("/api/v1/customers/", {"country": "fr"})) == [fr.pk]
    assert ids(api.get("/api/v1/customers/", {"external_id": "shopify:123"})) == [fr.pk]
    assert len(ids(api.get("/api/v1/customers/", {"external_id": "shopify:124"}))) == 1
    assert api.get("/api/v1/customers/", {"external_id": "no-platform"}).status_code == 400


def test_customer_is_retrieved_by_id_and_an_unknown_id_is_404(actors, platform):
    api = client_for(platform)
    assert api.get(f"/api/v1/customers/{actors.customer.pk}/").json()["email"] == "lena@example.de"
    assert api.get("/api/v1/customers/999999/").status_code == 404


# --- Orders --------------------------------------------------------------------------------


def _order(api, owner, **fields):
    payload = {
        "customer": owner.pk,
        "platform": "shopify",
        "external_number": "SO-1",
        "currency": "EUR",
        "total": "19.90",
        "placed_at": "2026-10-01T10:00:00Z",
        **fields,
    }
    return api.post("/api/v1/orders/", payload, format="json")


@pytest.mark.parametrize(
    ("currency", "total", "shown"), [("JPY", "1200", "1200"), ("KWD", "12.345", "12.345"), ("EUR", "19.9", "19.90")]
)
def test_order_amounts_are_kept_in_the_currencys_minor_unit(actors, currency, total, shown, platform):
    response = _order(client_for(platform), actors.customer, currency=currency, total=total)
    assert response.status_code == 201, response.json()
    assert response.json()["total"] == shown
    assert response.json()["ship_to_country"] == "DE"


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"currency": "XXY"}, "currency"),
        ({"currency": "JPY", "total": "1200.5"}, "total"),
        ({"currency": "EUR", "total": "1.234"}, "total"),
        ({"total": "1.2345"}, "total"),
        ({"total": "abc"}, "total"),
        ({"customer": 999999}, "customer"),
    ],
)
def test_order_with_a_bad_currency_or_amount_is_refused_naming_the_field(actors, fields, named, platform):
    response = _order(client_for(platform), actors.customer, **fields)
    assert response.status_code == 400
    assert named in response.json()
    assert not Order.objects.exists()


def test_a_duplicate_order_number_on_the_same_platform_is_refused(actors, platform):
    api = client_for(platform)
    assert _order(api, actors.customer).status_code == 201
    duplicate = _order(api, actors.customer)
    assert duplicate.status_code == 400 and "external_number" in duplicate.json()


def test_orders_are_filtered_by_customer_number_and_platform(actors, platform):
    mine = OrderFactory.create(customer=actors.customer, platform="shopify", external_number="A-1")
    OrderFactory.create(platform="amazon", external_number="A-1")
    api = client_for(platform)
    assert ids(api.get("/api/v1/orders/", {"customer": actors.customer.pk})) == [mine.pk]
    assert len(ids(api.get("/api/v1/orders/", {"external_number": "A-1"}))) == 2
    assert ids(api.get("/api/v1/orders/", {"external_number": "A-1", "platform": "shopify"})) == [mine.pk]
    assert api.get(f"/api/v1/orders/{mine.pk}/").json()["external_number"] == "A-1"


# --- Creating tickets ----------------------------------------------------------------------


def test_platform_opens_a_ticket_for_a_known_customer(
    actors, teams, categories, django_capture_on_commit_callbacks, platform
):
    order = OrderFactory.create(customer=actors.customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(platform).post(
            "/api/v1/tickets/",
            {
                "customer_id": actors.customer.pk,
                "order_id": order.pk,
                "category": "logistics",
                "subject": "Parcel stuck",
                "body": "No update for ten days",
                "priority": "high",
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("HD-") and body["channel"] == "api"
    assert body["team"] == "europe" and body["priority"] == "high" and body["category"] == "logistics"
    assert body["customer"]["id"] == actors.customer.pk and body["order"]["id"] == order.pk
    assert body["missing_facts"] == ["tracking_number", "ship_date", "destination_country"]
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.messages.get().body == "No update for ten days"
    assert [m.to for m in mail.outbox] == [["lena@example.de"]]  # the acknowledgement


def test_platform_opens_a_ticket_with_inline_customer_details(actors, teams, platform):
    response = client_for(platform).post(
        "/api/v1/tickets/",
        {
            "customer": {"email": "joe@example.com", "name": "Joe", "language": "en-US", "country": "US"},
            "subject": "Size question",
            "body": "Does M fit?",
            "acknowledge": False,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    customer = Customer.objects.get(email="joe@example.com")
    assert customer.country == "US" and customer.language == "en"
    assert response.json()["team"] == "north-america"  # routed by country, outside the caller's team
    assert mail.outbox == []


def test_platform_attaches_files_to_a_new_ticket_with_multipart(actors, platform):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(platform).post(
        "/api/v1/tickets/",
        {
            "customer_id": actors.customer.pk,
            "subject": "Broken",
            "body": "See photo",
            "acknowledge": "false",
            "attachments": [SimpleUploadedFile("damage.png", PNG, content_type="image/png")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert Ticket.objects.get(pk=response.json()["id"]).attachments.get().content_type == "image/png"


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"subject": "s", "body": "b"}, "customer"),
        ({"customer_id": 1, "customer": {"email": "a@example.com"}, "subject": "s", "body": "b"}, "customer"),
        ({"customer_id": 999999, "subject": "s", "body": "b"}, "customer_id"),
        ({"customer": {"email": "bad"}, "subject": "s", "body": "b"}, "customer"),
        ({"customer": {"email": "a@example.com"}, "subject": "s", "body": "b", "category": "nope"}, "category"),
        ({"customer": {"email": "a@example.com"}, "subject": " ", "body": "b"}, "subject"),
        ({"customer": {"email": "a@example.com"}, "subject": "s", "body": "b", "priority": "asap"}, "priority"),
    ],
)
def test_a_ticket_with_bad_input_is_refused_and_nothing_is_stored(actors, categories, payload, named, platform):
    response = client_for(platform).post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400
    assert named in response.json()
    assert not Ticket.objects.exists()
    assert not Customer.objects.filter(email="a@example.com").exists()


def test_a_ticket_for_another_customers_order_is_refused(actors, platform):
    foreign = OrderFactory.create()
    response = client_for(platform).post(
        "/api/v1/tickets/",
        {
            "customer": {"email": "new@example.com"},
            "order_id": foreign.pk,
            "subject": "s",
            "body": "b",
        },
        format="json",
    )
    assert response.status_code == 400 and "order_id" in response.json()
    assert not Customer.objects.filter(email="new@example.com").exists()


# --- Reading tickets -----------------------------------------------------------------------


def test_agents_see_only_their_teams_tickets_and_those_assigned_to_them(actors, teams):
    europe = new_ticket(actors.customer)
    america = new_ticket(CustomerFactory.create(country="US"))
    assert america.team == teams.america
    assert ids(client_for(actors.l1).get("/api/v1/tickets/")) == [europe.pk]
    assert ids(client_for(actors.other_team_agent).get("/api/v1/tickets/")) == [america.pk]
    assert ids(client_for(actors.admin).get("/api/v1/tickets/")) == [america.pk, europe.pk]
    # Filtering by another team's id leaks nothing either.
    assert ids(client_for(actors.l1).get("/api/v1/tickets/", {"team": teams.america.pk})) == []


def test_another_teams_ticket_is_not_found(actors):
    ticket = new_ticket(actors.customer)
    outsider = client_for(actors.other_team_agent)
    assert outsider.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 404
    assert outsider.patch(f"/api/v1/tickets/{ticket.pk}/", {"priority": "urgent"}, format="json").status_code == 404
    assert outsider.post(f"/api/v1/tickets/{ticket.pk}/facts/", {"facts": {}}, format="json").status_code == 404
    assert client_for(actors.l1).get(f"/api/v1/tickets/{ticket.pk}/").json()["reference"] == ticket.reference


def test_tickets_are_filtered(actors, teams, categories):
    order = OrderFactory.create(customer=actors.customer)
    logistics = new_ticket(actors.customer, category=categories.logistics, order=order, priority=Priority.HIGH)
    services.ticket_assign(ticket=logistics, assignee=actors.l2, actor=actors.l1)
    other = new_ticket(CustomerFactory.create(country="FR", language="fr"), category=categories.other)
    services.ticket_set_status(ticket=other, status=Status.PENDING, actor=actors.l1)
    Ticket.objects.filter(pk=other.pk).update(updated_at=timezone.now() - timedelta(days=3))
    api = client_for(actors.l1)

    def found(**params) -> list[int]:
        response = api.get("/api/v1/tickets/", params)
        assert response.status_code == 200, response.json()
        return ids(response)

    assert found(status="pending") == [other.pk]
    assert found(status=["new", "pending"]) == [other.pk, logistics.pk]
    assert found(category="logistics") == [logistics.pk]
    assert found(priority="high") == [logistics.pk]
    assert found(language="fr") == [other.pk]
    assert found(channel="web") == [other.pk, logistics.pk]
    assert found(channel="api") == []
    assert found(team=teams.europe.pk) == [other.pk, logistics.pk]
    assert found(assignee=actors.l2.pk) == [logistics.pk]
    assert found(assignee="none") == [other.pk]
    assert found(customer=actors.customer.pk) == [logistics.pk]
    assert found(order=order.pk) == [logistics.pk]
    assert found(updated_since=(timezone.now() - timedelta(days=1)).isoformat()) == [logistics.pk]


@pytest.mark.parametrize(
    "params",
    [{"status": "lost"}, {"priority": "9"}, {"updated_since": "yesterday"}, {"assignee": "me"}, {"customer": "x"}],
)
def test_a_bad_filter_value_is_a_400_not_silently_ignored(actors, params):
    assert client_for(actors.l1).get("/api/v1/tickets/", params).status_code == 400


def test_ticket_list_is_paged_by_cursor(actors, teams):
    TicketFactory.create_batch(7, team=teams.europe, customer=actors.customer)
    api = client_for(actors.l1)
    first = api.get("/api/v1/tickets/", {"page_size": 5}).json()
    second = api.get(first["next"]).json()
    assert len(first["results"]) == 5 and len(second["results"]) == 2
    assert second["next"] is None
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])


def test_ticket_list_runs_the_same_number_of_queries_whatever_the_page_size(actors, teams, categories):
    for n in range(60):
        customer = CustomerFactory.create()
        TicketFactory.create(
            team=teams.europe,
            customer=customer,
            category=categories.logistics,
            assignee=actors.l1,
            order=OrderFactory.create(customer=customer),
            subject=f"Ticket {n}",
        )
    key = Token.objects.create(user=actors.l1).key  # a fresh user per request: no warm caches

    def queries(page_size: int) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/tickets/", {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(captured.captured_queries)

    small, large = queries(5), queries(50)
    assert small == large
    assert large <= 6  # token + user, permissions (2), profile, the page


def test_a_listed_ticket_reads_as_the_declared_fields_would_write_it(actors, teams, categories):
    """The list's hand-built rows (TicketSerializer.to_representation) against DRF's generic walk
    over the declared fields, for a ticket with every relation and one with none, whether read as a
    ticket with its relations or as the list's row of plain values."""
    from rest_framework import serializers as drf

    from tickets.selectors import ticket_for_user
    from tickets.serializers.tickets import LIST_COLUMNS, TicketSerializer

    order = OrderFactory(customer=actors.customer, currency="JPY")
    full = TicketFactory(
        team=teams.europe,
        customer=actors.customer,
        order=order,
        category=categories.logistics,
        assignee=actors.l2,
        priority=Priority.URGENT,
        facts={"tracking_number": "LX123"},
    )
    Ticket.objects.filter(pk=full.pk).update(
        solved_at=timezone.now(), first_response_at=timezone.now() - timedelta(hours=1)
    )
    bare = TicketFactory(team=teams.asia, follow_up_of=full)
    serializer = TicketSerializer()
    for ticket in (full, bare):
        loaded = ticket_for_user(actors.admin, ticket.pk)
        for zone in ("UTC", "Asia/Tokyo"):
            with timezone.override(zone):
                generic = drf.ModelSerializer.to_representation(serializer, loaded)
                assert serializer.to_representation(loaded) == generic
                row = Ticket.objects.filter(pk=ticket.pk).values(*LIST_COLUMNS).get()
                assert serializer.to_representation(row) == generic
    assert serializer.to_representation(ticket_for_user(actors.admin, bare.pk))["follow_up_of"] == full.pk
