"""Customers in the apps are known by phone or app id; when the conversation names a known customer
(their email address or one of their orders) the agent is offered a merge, and merging moves the
tickets, orders and identities to the customer kept, the history kept and the merge recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tickets.models import Customer, Order, Ticket, TicketEvent
from tickets.services import customer_get_or_create
from workspace.models import AuditEntry

from . import payloads as p

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def whatsapp_says(post, text: str, n: int = 1) -> Ticket:
    body = p.wa_body(messages=[p.wa_text(f"wamid.in{n}", text)])
    post("whatsapp", "shop-wa", body, p.wa_sign(body))
    return Ticket.objects.get()


@pytest.fixture
def lena_order(actors):
    return Order.objects.create(
        customer=actors.customer,
        external_number="DE-1001",
        currency="EUR",
        total="59.90",
        placed_at=datetime(2026, 2, 20, tzinfo=UTC),
    )


def test_an_order_named_in_the_chat_offers_a_merge_and_merging_moves_everything(
    client, post, accounts, actors, lena_order
):
    ticket = whatsapp_says(post, "Hi, my order DE-1001 has not arrived")
    app_customer = ticket.customer
    assert app_customer != actors.customer and app_customer.email == ""
    client.force_login(actors.admin)

    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "The conversation names order DE-1001 of Lena Schmidt, a known customer." in page

    response = client.post(f"/tickets/{ticket.pk}/customer/merge/", {"other": "lena@example.de"}, follow=True)

    assert "The customer was merged into Lena Schmidt." in response.content.decode()
    ticket.refresh_from_db()
    lena = Customer.objects.get(pk=actors.customer.pk)
    assert ticket.customer == lena
    assert lena.phone == "+16505551234" and lena.external_ids["whatsapp"] == p.WA_ID
    assert not Customer.objects.filter(pk=app_customer.pk).exists()
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert "created" in kinds and "customer_merged" in kinds  # the earlier history is kept
    assert AuditEntry.objects.filter(action="customer_merged", actor=actors.admin).exists()
    # The next time this number writes, it is Lena.
    assert customer_get_or_create(phone="+16505551234", external_ids={"whatsapp": p.WA_ID}) == lena


def test_an_email_address_named_in_the_chat_offers_a_merge(client, post, accounts, actors):
    ticket = whatsapp_says(post, "This is Lena, LENA@example.de")
    client.force_login(actors.admin)

    page = client.get(ticket.get_absolute_url()).content.decode()

    assert "The conversation names lena@example.de, the address of Lena Schmidt, a known customer." in page


def test_nothing_is_offered_when_the_chat_names_no_known_customer(client, post, accounts, actors):
    ticket = whatsapp_says(post, "Order XX-9999 please, mail me at nobody@example.com")
    client.force_login(actors.admin)

    assert "a known customer" not in client.get(ticket.get_absolute_url()).content.decode()


def test_a_merge_into_an_unknown_customer_or_into_itself_changes_nothing(client, post, accounts, actors):
    ticket = whatsapp_says(post, "Hello")
    client.force_login(actors.admin)

    unknown = client.post(f"/tickets/{ticket.pk}/customer/merge/", {"other": "who@example.com"}, follow=True)
    itself = client.post(f"/tickets/{ticket.pk}/customer/merge/", {"other": "+16505551234"}, follow=True)

    assert "No customer has this email address or phone number." in unknown.content.decode()
    assert "A customer cannot be merged into itself." in itself.content.decode()
    assert Customer.objects.filter(pk=ticket.customer_id).exists()
