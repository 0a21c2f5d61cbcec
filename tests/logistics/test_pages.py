"""What agents see and do: the shipments panel on the ticket page, adding and correcting tracking
numbers, and the open exceptions by carrier and country, scoped to their team."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.models import Shipment, ShipmentException
from tests.factories import TicketFactory
from tickets.models import TicketEvent

from .helpers import aftership_single, fixture_body

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 9, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ticket(shop, teams, categories):
    return TicketFactory(
        customer=shop.customer,
        team=teams.europe,
        order=shop.aftership_order,
        category=categories.logistics,
        language="de",
    )


def _add(client, ticket, **data):
    fields = {f"tracking-{k}": v for k, v in {"carrier": "", "service_type": "", **data}.items()}
    return client.post(f"/logistics/tickets/{ticket.pk}/tracking/", fields)


def test_the_ticket_page_shows_each_shipment_its_timeline_status_and_open_exception(client, actors, ticket, webhook):
    webhook("aftership", fixture_body("aftership_customs_documents.json"))
    client.force_login(actors.l1)

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert 'id="panel-logistics"' in page
    assert "YT2627400000000019" in page
    assert "YunExpress" in page
    assert "In customs" in page
    assert "Customs: documents missing or incorrect" in page
    assert "Held by customs: commercial invoice missing" in page  # the newest event of the timeline
    assert "Customs documents missing" in page  # the open exception, as the carrier reported it
    assert "Timeline: 6 events" in page
    assert "<script>" not in page.split('id="panel-logistics"')[1].split("</section>")[0]


def test_a_ticket_without_an_order_says_how_to_track_a_parcel(client, actors, teams):
    bare = TicketFactory(customer=actors.customer, team=teams.europe)
    client.force_login(actors.l1)

    page = client.get(f"/tickets/{bare.pk}/").content.decode()

    assert "Link the ticket to an order to track its parcels." in page


def test_an_agent_adds_a_number_and_the_carrier_is_told_from_its_format(client, actors, ticket):
    client.force_login(actors.l1)

    response = _add(client, ticket, tracking_number="1234 5678 90")

    assert response.status_code == 302
    shipment = Shipment.objects.select_related("carrier").get()
    assert (shipment.tracking_number, shipment.carrier.name, shipment.service_type) == (
        "1234567890",
        "DHL Express",
        "express",
    )
    assert shipment.created_by == actors.l1
    assert shipment.destination_country == "DE"
    ticket.refresh_from_db()
    assert ticket.facts["tracking_number"] == "1234567890"
    assert TicketEvent.objects.filter(ticket=ticket, kind="tracking_added").exists()


def test_a_number_of_no_known_format_needs_the_carrier_chosen(client, actors, ticket):
    from logistics.models import Carrier

    client.force_login(actors.l1)

    refused = _add(client, ticket, tracking_number="ABC12345XYZ")
    chosen = _add(
        client,
        ticket,
        tracking_number="ABC12345XYZ",
        carrier=Carrier.objects.get(aftership_slug="cainiao").pk,
        service_type="postal",
    )

    assert refused.status_code == 422
    assert "The carrier cannot be told from this number: choose it." in refused.content.decode()
    assert chosen.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.carrier.name, shipment.service_type) == ("Cainiao", "postal")


def test_the_same_number_twice_on_an_order_is_refused(client, actors, ticket):
    client.force_login(actors.l1)
    _add(client, ticket, tracking_number="1234567890")

    again = _add(client, ticket, tracking_number="1234567890")

    assert again.status_code == 422
    assert Shipment.objects.count() == 1


def test_an_agent_of_another_team_cannot_add_to_the_ticket(client, actors, ticket):
    client.force_login(actors.other_team_agent)

    assert _add(client, ticket, tracking_number="1234567890").status_code == 404
    assert not Shipment.objects.exists()


def test_correcting_the_number_starts_the_tracking_afresh(client, actors, ticket, webhook):
    webhook("aftership", fixture_body("aftership_customs_documents.json"))
    shipment = Shipment.objects.get()
    assert shipment.events.count() == 6 and shipment.open_exception_kinds
    client.force_login(actors.l2)

    form = client.get(f"/logistics/tickets/{ticket.pk}/shipments/{shipment.pk}/")
    response = client.post(
        f"/logistics/tickets/{ticket.pk}/shipments/{shipment.pk}/",
        {"tracking-tracking_number": "YT2627400000000035", "tracking-carrier": "", "tracking-service_type": ""},
    )

    assert form.status_code == 200
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert (shipment.tracking_number, shipment.status, shipment.events.count()) == ("YT2627400000000035", "pending", 0)
    assert not ShipmentException.objects.filter(resolved_at__isnull=True).exists()
    assert shipment.status_changes.last().note.startswith("tracking number corrected from YT2627400000000019")
    event = TicketEvent.objects.get(ticket=ticket, kind="tracking_corrected")
    assert event.new_value == "YT2627400000000035 (YunExpress)"


# --- open exceptions by carrier and country ---------------------------------------------------


def _exceptions_in(webhook, count: int) -> None:
    for i in range(count):
        number = f"YT26274000000001{i:02d}"
        webhook(
            "aftership",
            aftership_single(
                number,
                "yunexpress",
                "2026-10-09T10:00:00+02:00",
                tag="Exception",
                subtag="Exception_013",
                message="Parcel lost",
            ),
        )


def test_the_exceptions_page_lists_open_exceptions_by_carrier_and_country(client, actors, shop, webhook):
    _exceptions_in(webhook, 2)
    client.force_login(actors.l1)

    response = client.get("/logistics/exceptions/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["counts"] == [{"carrier_name": "YunExpress", "destination_country": "DE", "count": 2}]
    assert len(response.context["rows"]) == 2
    assert "YT2627400000000100" in page and "Lost" in page


def test_the_exceptions_page_is_scoped_to_the_agents_team(client, actors, shop, webhook):
    _exceptions_in(webhook, 1)  # Lena's ticket belongs to the Europe team

    client.force_login(actors.other_team_agent)
    other = client.get("/logistics/exceptions/")
    client.force_login(actors.admin)
    admin = client.get("/logistics/exceptions/")

    assert other.context["rows"] == [] and other.context["counts"] == []
    assert len(admin.context["rows"]) == 1


def test_the_exceptions_page_filters_by_carrier_country_and_kind(client, actors, shop, webhook):
    _exceptions_in(webhook, 1)
    client.force_login(actors.l1)

    assert len(client.get("/logistics/exceptions/?carrier=YunExpress&country=de").context["rows"]) == 1
    assert client.get("/logistics/exceptions/?country=FR").context["rows"] == []
    assert client.get("/logistics/exceptions/?kind=stalled").context["rows"] == []


def test_the_exceptions_page_is_for_staff_only(client, actors):
    anonymous = client.get("/logistics/exceptions/")
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    not_staff = client.get("/logistics/exceptions/")

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not_staff.status_code == 403


def test_the_exceptions_page_runs_a_fixed_number_of_queries(client, actors, shop, webhook):
    _exceptions_in(webhook, 1)
    client.force_login(actors.l1)
    with CaptureQueriesContext(connection) as one:
        client.get("/logistics/exceptions/")
    _exceptions_in(webhook, 6)
    with CaptureQueriesContext(connection) as several:
        client.get("/logistics/exceptions/")

    assert len(several) == len(one)


def test_the_panel_runs_a_fixed_number_of_queries(client, actors, ticket, webhook):
    from django.test import RequestFactory

    from logistics.panel import tracking_panel

    request = RequestFactory().get("/")
    request.user = actors.l1
    webhook("aftership", fixture_body("aftership_customs.json"))
    with CaptureQueriesContext(connection) as one:
        tracking_panel(request, ticket)
    _exceptions_in(webhook, 3)  # three more parcels on the same order
    with CaptureQueriesContext(connection) as four:
        context = tracking_panel(request, ticket)

    assert len(context["shipments"]) == 4
    assert len(four) == len(one)
