"""My requests: after an email code, a customer sees their tickets and threads (internal notes never),
replies through the intake, and closes one they no longer need."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from helpdesk.errors import ServiceError
from tests.factories import CustomerFactory, TicketFactory
from tickets.models import Message, MessageKind, Status

from .conftest import code_from_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(actors, teams):
    ticket = TicketFactory(customer=actors.customer, team=teams.europe, subject="Kaputter Becher", language="de")
    Message.objects.create(ticket=ticket, kind=MessageKind.CUSTOMER, body="Der Becher kam zerbrochen an.")
    Message.objects.create(ticket=ticket, kind=MessageKind.NOTE, body="INTERNAL: check the warehouse camera")
    Message.objects.create(ticket=ticket, kind=MessageKind.REPLY, body="Wir schicken Ihnen einen neuen Becher.")
    return ticket


def _without_csrf(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def _ask(client, capture, email):
    with capture(execute=True):
        return client.post(reverse("selfservice:requests_lookup"), {"email": email, "lang": "de"})


@pytest.fixture
def signed_in(client, ticket, django_capture_on_commit_callbacks):
    _ask(client, django_capture_on_commit_callbacks, "lena@example.de")
    response = client.post(reverse("selfservice:requests_code"), {"code": code_from_mail(), "lang": "de"})
    assert response.status_code == 302
    return client


def test_nothing_is_shown_before_the_code(client, ticket):
    assert client.get(reverse("selfservice:requests")).status_code == 302
    assert client.get(reverse("selfservice:request", args=[ticket.pk])).status_code == 302
    assert client.post(reverse("selfservice:request_close", args=[ticket.pk])).status_code == 404


def test_unknown_emails_answer_alike(client, ticket, django_capture_on_commit_callbacks):
    CustomerFactory(email="no-tickets@example.com")
    answers = []
    for email in ["stranger@example.com", "no-tickets@example.com", "lena@example.de"]:
        client.cookies.clear()
        posted = _ask(client, django_capture_on_commit_callbacks, email)
        page = client.get(posted["Location"])
        answers.append((posted.status_code, posted["Location"], page.status_code, _without_csrf(page.content.decode())))
    assert answers[0] == answers[1] == answers[2]
    assert [m.to for m in mail.outbox] == [["lena@example.de"]]


def test_the_list_and_thread_without_internal_notes(signed_in, ticket, actors):
    other = TicketFactory(customer=CustomerFactory(email="other@example.com"), subject="Fremde Anfrage")
    listing = signed_in.get(reverse("selfservice:requests")).content.decode()
    assert ticket.reference in listing and "Kaputter Becher" in listing and "Fremde Anfrage" not in listing
    thread = signed_in.get(reverse("selfservice:request", args=[ticket.pk])).content.decode()
    assert "Der Becher kam zerbrochen an." in thread and "Wir schicken Ihnen einen neuen Becher." in thread
    assert "INTERNAL" not in thread
    assert 'href="/support/help/?lang=en"' in listing and 'href="/support/help/?lang=en"' in thread
    assert signed_in.get(reverse("selfservice:request", args=[other.pk])).status_code == 404
    assert signed_in.post(reverse("selfservice:request_close", args=[other.pk])).status_code == 404


def test_a_reply_goes_through_the_intake(signed_in, ticket):
    response = signed_in.post(reverse("selfservice:request", args=[ticket.pk]), {"message": "Danke!", "lang": "de"})
    assert response.status_code == 302
    last = ticket.messages.order_by("-id").first()
    assert last.kind == MessageKind.CUSTOMER and last.body == "Danke!" and last.channel == "web"


def test_closing_a_request_the_customer_no_longer_needs(signed_in, ticket):
    response = signed_in.post(reverse("selfservice:request_close", args=[ticket.pk]), {"lang": "de"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None
    page = signed_in.get(response["Location"]).content.decode()
    assert "Die Anfrage ist geschlossen" in page and "Geschlossen" in page


def test_a_signed_link_from_our_emails_opens_the_requests(client, ticket, actors, clock):
    from datetime import timedelta

    from selfservice.services import requests_link_token

    token = requests_link_token(customer=actors.customer)
    response = client.get(reverse("selfservice:requests_link", args=[token]))
    assert client.get(response["Location"]).status_code == 200
    client.cookies.clear()
    clock.shift(timedelta(days=31))
    client.get(reverse("selfservice:requests_link", args=[token]))
    assert client.get(reverse("selfservice:requests")).status_code == 302


def test_a_closed_request_cannot_be_closed_again(signed_in, ticket):
    from selfservice.services import request_close

    request_close(customer=ticket.customer, ticket=ticket)
    with pytest.raises(ServiceError):
        request_close(customer=ticket.customer, ticket=ticket)
    page = signed_in.get(reverse("selfservice:request", args=[ticket.pk])).content.decode()
    assert "Brauche ich nicht mehr" not in page
