"""An agent opens a ticket for a customer who phoned or chatted."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import CustomerFactory, OrderFactory
from tickets.models import Customer, MessageKind, Ticket

pytestmark = pytest.mark.django_db

CREATE = reverse("tickets:create")


def form_data(**changes: object) -> dict[str, object]:
    data = {
        "email": "julien@example.fr",
        "name": "Julien Petit",
        "language": "fr",
        "country": "FR",
        "order_number": "",
        "category": "",
        "priority": "2",
        "channel": "phone",
        "subject": "Called about a late parcel",
        "body": "He called: parcel not here after 3 weeks.",
    }
    data.update(changes)
    return data


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(CREATE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_ticket_for_a_new_customer_opens_on_the_ticket_page(client, actors, categories):
    client.force_login(actors.l1)

    response = client.post(CREATE, form_data(category=categories.logistics.pk, priority="3"))

    ticket = Ticket.objects.get(subject="Called about a late parcel")
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.pk])
    assert (ticket.channel, ticket.language, ticket.priority) == ("phone", "fr", 3)
    assert ticket.category == categories.logistics
    assert ticket.customer.email == "julien@example.fr" and ticket.customer.country == "FR"
    first = ticket.messages.get()
    assert first.kind == MessageKind.CUSTOMER and first.author == actors.l1
    assert ticket.events.get(kind="created").actor == actors.l1
    page = client.get(response["Location"]).content.decode()
    assert f"Ticket {ticket.reference} created." in page


def test_an_existing_customer_is_found_by_email_and_kept_as_is(client, actors):
    client.force_login(actors.l1)

    client.post(CREATE, form_data(email="LENA@example.de", name="Someone Else", language="", country="FR"))

    assert Customer.objects.filter(email__iexact="lena@example.de").count() == 1
    ticket = Ticket.objects.get()
    assert ticket.customer == actors.customer
    assert ticket.customer.name == "Lena Schmidt"
    assert ticket.language == "de"  # the customer's language, as none was chosen


def test_the_customers_order_is_linked_by_its_number(client, actors):
    order = OrderFactory(customer=actors.customer, external_number="SO-1234")
    client.force_login(actors.l1)

    client.post(CREATE, form_data(email="lena@example.de", order_number="SO-1234"))

    assert Ticket.objects.get().order == order


def test_an_unknown_order_number_is_refused_and_nothing_is_created(client, actors):
    OrderFactory(external_number="SO-9999")  # another customer's order
    client.force_login(actors.l1)

    response = client.post(CREATE, form_data(order_number="SO-9999"))

    body = response.content.decode()
    assert response.status_code == 422
    assert "This customer has no order with that number." in body
    assert "He called: parcel not here after 3 weeks." in body  # nothing typed is lost
    assert not Ticket.objects.exists()
    assert not Customer.objects.filter(email="julien@example.fr").exists()


def test_a_missing_subject_is_shown_on_its_field(client, actors):
    client.force_login(actors.l1)

    response = client.post(CREATE, form_data(subject=""))

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_executable_attachment_is_refused(client, actors):
    client.force_login(actors.l1)

    response = client.post(CREATE, form_data(attachments=[SimpleUploadedFile("tool.exe", b"MZ\x90\x00" * 20)]))

    assert response.status_code == 422
    assert "tool.exe is not an accepted file type" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_ticket_routed_to_another_team_sends_the_agent_back_to_the_queue(client, actors, teams):
    client.force_login(actors.l1)  # Europe

    response = client.post(CREATE, form_data(email="emily@example.com", country="US", language="en"), follow=True)

    ticket = Ticket.objects.get()
    assert ticket.team == teams.america
    assert response.redirect_chain[-1][0] == reverse("tickets:queue")
    assert f"Ticket {ticket.reference} created and routed to team North America." in response.content.decode()


def test_the_form_can_start_from_a_known_customer(client, actors):
    client.force_login(actors.l1)

    page = client.get(CREATE, {"customer": actors.customer.pk}).content.decode()

    assert 'value="lena@example.de"' in page and 'value="Lena Schmidt"' in page


def test_typing_a_known_email_shows_the_customer_and_their_orders(client, actors):
    OrderFactory(customer=actors.customer, external_number="SO-5555")
    CustomerFactory(email="someone@example.com")
    client.force_login(actors.l1)

    found = client.get(
        reverse("tickets:customer_lookup"),
        {"email": "Lena@Example.de"},
        headers={"HX-Request": "true"},
    )
    unknown = client.get(reverse("tickets:customer_lookup"), {"email": "new@example.org"})

    assert "Existing customer" in found.content.decode() and "SO-5555" in found.content.decode()
    assert "Existing customer" not in unknown.content.decode()
