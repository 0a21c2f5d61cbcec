"""What the ticket page's tests share: a new ticket, the page's URLs, the page as an agent sees it."""

from __future__ import annotations

from django.urls import reverse

from tickets import services
from tickets.models import Channel, Ticket


def new_ticket(actors, **kwargs) -> Ticket:
    return services.ticket_create(
        customer=actors.customer,
        subject="Parcel late",
        body="Where is my parcel?",
        channel=Channel.WEB,
        **kwargs,
    )


def url(name: str, ticket: Ticket, *args: object) -> str:
    return reverse(f"tickets:{name}", args=[ticket.pk, *args])


def page_of(client, user, ticket: Ticket, **params) -> str:
    client.force_login(user)
    response = client.get(url("detail", ticket), params)
    assert response.status_code == 200
    return response.content.decode()


def htmx(**extra: str) -> dict[str, str]:
    return {"HX-Request": "true", **extra}
