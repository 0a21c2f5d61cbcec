"""Merging two records of one customer: one service, the tickets, orders and identities moved, the
history kept; only staff who can work the ticket may do it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tickets import services
from tickets.models import Channel, Customer, Order, TicketEvent

pytestmark = pytest.mark.django_db


def test_merging_moves_tickets_orders_and_identities_and_keeps_the_history(actors):
    phone_only = services.customer_get_or_create(phone="+66 81 234 5678", external_ids={"line": "U123"}, name="Lena")
    ticket = services.ticket_create(customer=phone_only, subject="Parcel", body="Where is it?", channel=Channel.PHONE)
    order = Order.objects.create(
        customer=phone_only,
        external_number="TH-1",
        currency="THB",
        total="990",
        placed_at=datetime(2026, 1, 5, tzinfo=UTC),
    )

    kept = services.customer_merge(source=phone_only, target=actors.customer, actor=actors.l1)

    assert kept == actors.customer
    kept.refresh_from_db()
    assert (kept.email, kept.phone, kept.external_ids) == ("lena@example.de", "+66812345678", {"line": "U123"})
    ticket.refresh_from_db()
    order.refresh_from_db()
    assert ticket.customer == kept and order.customer == kept
    assert not Customer.objects.filter(pk=phone_only.pk).exists()
    assert list(TicketEvent.objects.filter(ticket=ticket).order_by("pk").values_list("kind", flat=True)) == [
        "created",
        "customer_merged",
    ]


def test_an_agent_who_cannot_see_the_ticket_cannot_merge_its_customer(client, actors):
    other = services.customer_get_or_create(phone="+4915112345678", name="Lena")
    ticket = services.ticket_create(
        customer=other, subject="Parcel", body="Where is it?", channel=Channel.PHONE, team=actors.l1.agent_profile.team
    )
    client.force_login(actors.other_team_agent)

    response = client.post(f"/tickets/{ticket.pk}/customer/merge/", {"other": "lena@example.de"})

    assert response.status_code == 404
    assert Customer.objects.filter(pk=other.pk).exists()
