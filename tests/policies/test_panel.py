"""The compensation panel of the ticket page: refusals stay on the ticket with the typed values,
the panel says what counts against the agent's limit, and a decision sends the customer one email."""

from __future__ import annotations

import pytest
from django.urls import reverse

from policies import services
from policies.models import RequestState
from tickets.models import MessageKind, OutboundEmail

from .conftest import ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "rates")]

HTMX = {"HTTP_HX_REQUEST": "true"}


def post(client, ticket, data, **headers):
    return client.post(reverse("policies:request_create", args=[ticket.pk]), data, **headers)


BAD_JPY = {
    "kind": "partial_refund",
    "amount": "10.5",
    "reason": "late",
    "message_mode": "note",
    "reason_detail": "Zwei Wochen",
}


def test_a_refused_request_stays_on_the_ticket_page_with_the_values_typed(client, actors, make_ticket):
    ticket = make_ticket(currency="JPY", total="90000", subject="Paket kam zu spät")
    client.force_login(actors.l1)
    response = post(client, ticket, {**BAD_JPY, "from": "panel"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="panel-compensation-title"' in html and "Paket kam zu spät" in html  # the ticket page itself
    assert 'id="id_reply-body"' in html  # with the rest of the ticket: its reply box
    panel = html[html.index('id="panel-compensation-title"') :]
    assert "JPY amounts have no decimal places." in panel
    assert 'value="10.5"' in panel and "Zwei Wochen" in panel
    assert "<details open" in html  # the form stays unfolded
    assert not ticket.compensation_requests.exists()


def test_a_refused_htmx_request_swaps_the_panel_with_its_errors(client, actors, make_ticket):
    ticket = make_ticket(currency="JPY", total="90000")
    client.force_login(actors.l1)
    response = post(client, ticket, BAD_JPY, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" not in html and html.lstrip().startswith('<section class="card panel panel-compensation"')
    assert "JPY amounts have no decimal places." in html and 'value="10.5"' in html
    assert 'hx-post="' in html  # the form posts with htmx again


def test_the_panel_form_posts_with_htmx_and_gets_the_panel_back(client, actors, make_ticket):
    ticket = make_ticket()
    client.force_login(actors.l1)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'hx-target="closest .panel-compensation"' in page
    response = post(
        client, ticket, {"kind": "partial_refund", "amount": "20", "reason": "late", "message_mode": "note"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    comp = ticket.compensation_requests.get()
    assert comp.state == RequestState.APPROVED
    assert f"#{comp.pk}" in html and "Compensation approved: it is within your authority." in html


def test_the_panel_says_what_counts_against_the_limit(client, actors, make_ticket):
    ticket = make_ticket()
    client.force_login(actors.l1)
    ask(actors.l1, ticket, amount="20.00")  # USD 25, granted at once
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "USD 25.00 granted" in page and "USD 0.00 waiting" in page
    assert "USD 25.00 left of your USD 50.00" in page

    # a waiting request counts too, and the panel says so
    assert ask(actors.l1, ticket, amount="64.00").state == RequestState.PENDING  # USD 80
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "USD 25.00 granted" in page and "USD 80.00 waiting" in page
    assert "USD 0.00 left of your USD 50.00" in page
    assert "waiting requests count against your limit until a supervisor decides" in page


def test_an_approved_request_with_a_public_reply_sends_the_customer_one_email(
    actors, make_ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(
            actors.l1,
            make_ticket(),
            amount="64.00",
            message_mode="reply",
            message="Es tut uns leid! Sie erhalten eine Erstattung.",
        )
        services.compensation_request_decide(
            request=request, actor=actors.supervisor, decision="approved", comment="Three weeks late"
        )
    emails = OutboundEmail.objects.filter(to="lena@example.de")
    assert emails.count() == 1
    body = emails.get().body_text
    assert "Es tut uns leid! Sie erhalten eine Erstattung." in body
    assert "64,00\xa0€" in body  # what was granted, in the customer's format
    reply = request.ticket.messages.get(kind=MessageKind.REPLY)
    assert reply.body.startswith("Es tut uns leid") and "64,00\xa0€" in reply.body


def test_a_coupon_granted_with_a_public_reply_carries_its_code_in_the_one_email(
    actors, make_ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(
            actors.l1,
            make_ticket(total="100"),
            kind="coupon",
            coupon_type="amount",
            amount="10",
            coupon_valid_until="2026-12-31",
            reason="",
            message_mode="reply",
            message="Ein kleines Dankeschön für Ihre Geduld.",
        )
    assert request.state == RequestState.APPROVED
    emails = OutboundEmail.objects.filter(to="lena@example.de")
    assert emails.count() == 1
    assert request.grant.coupon_code in emails.get().body_text
