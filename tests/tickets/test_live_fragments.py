"""What a live page fetches when its websocket says something changed, and the reply that crosses
a newer customer message: held once, with that message shown, then sent when confirmed."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import services
from tickets.models import Channel, Message, MessageKind, Status, Ticket
from workspace.models import LiveEvent

pytestmark = pytest.mark.django_db


def new_ticket(actors) -> Ticket:
    return services.ticket_create(
        customer=actors.customer, subject="Parcel late", body="Where is my parcel?", channel=Channel.WEB
    )


def seen_on_page(html: str) -> int:
    return int(re.search(r'name="reply-seen" value="(\d+)"', html).group(1))


def test_the_reply_form_carries_the_newest_message_on_the_page(client, actors):
    ticket = new_ticket(actors)
    note = services.message_add_note(ticket=ticket, author=actors.l1, body="Called the carrier.")
    client.force_login(actors.l1)

    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert seen_on_page(html) == note.pk
    assert f'data-live-streams="user:{actors.l1.pk} ticket:{ticket.pk}"' in html


def test_the_kept_reply_fields_follow_the_newest_message_and_the_errors_of_a_refused_reply(client, actors):
    """The reply form's fields are kept as rendered HTML between pages: a new message or a refused
    reply must still show on the next page."""
    ticket = new_ticket(actors)
    client.force_login(actors.l1)
    page = reverse("tickets:detail", args=[ticket.pk])
    first = seen_on_page(client.get(page).content.decode())

    note = services.message_add_note(ticket=ticket, author=actors.l1, body="Called the carrier.")
    again = client.get(page).content.decode()
    refused = client.post(reverse("tickets:reply", args=[ticket.pk]), {"reply-body": " ", "reply-seen": note.pk})

    assert first != note.pk and seen_on_page(again) == note.pk
    assert refused.status_code == 422 and "This field is required." in refused.content.decode()
    assert "This field is required." not in client.get(page).content.decode()


def test_a_reply_crossing_a_newer_customer_message_is_held_once_then_sent_anyway(
    client, actors, django_capture_on_commit_callbacks
):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)
    seen = seen_on_page(client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode())
    services.message_receive_from_customer(ticket=ticket, body="Actually, it arrived broken!", channel=Channel.WEB)
    url = reverse("tickets:reply", args=[ticket.pk])

    held = client.post(url, {"reply-body": "It is on its way.", "reply-seen": seen}, HTTP_HX_REQUEST="true")

    assert held.status_code == 422
    page = held.content.decode()
    assert "The customer wrote again while you were writing" in page
    assert "Actually, it arrived broken!" in page
    assert "Send anyway" in page
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url, {"reply-body": "It is on its way.", "reply-seen": seen_on_page(page)}, HTTP_HX_REQUEST="true"
        )

    assert sent.status_code == 200
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY, body="It is on its way.").count() == 1
    assert len(mail.outbox) == 1


def test_a_reply_after_the_newest_message_and_one_crossing_only_a_note_go_through(client, actors):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)
    seen = seen_on_page(client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode())
    services.message_add_note(ticket=ticket, author=actors.l2, body="Internal: refund likely")

    response = client.post(reverse("tickets:reply", args=[ticket.pk]), {"reply-body": "Hello", "reply-seen": seen})

    assert response.status_code == 302
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).count() == 1


def test_a_new_message_fragment_shows_that_message_only(client, actors):
    ticket = new_ticket(actors)
    note = services.message_add_note(ticket=ticket, author=actors.l1, body="Checked the tracking.")
    client.force_login(actors.l2)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tickets:message", args=[ticket.pk, note.pk]))

    html = response.content.decode()
    assert html.count("<article") == 1 and f'id="message-{note.pk}"' in html
    assert "Checked the tracking." in html and "Internal note" in html
    assert len(queries) <= 8


def test_another_teams_agent_gets_no_fragment(client, actors):
    ticket = new_ticket(actors)
    client.force_login(actors.other_team_agent)

    assert client.get(reverse("tickets:message", args=[ticket.pk, ticket.messages.first().pk])).status_code == 404
    assert client.get(reverse("tickets:summary", args=[ticket.pk])).status_code == 404


def test_the_changed_fragment_shows_the_new_status_and_assignee_with_properties_and_history(client, actors):
    ticket = new_ticket(actors)
    services.ticket_assign(ticket=ticket, assignee=actors.l2, actor=actors.l1)
    services.ticket_set_status(ticket=ticket, status=Status.PENDING, actor=actors.l1)
    client.force_login(actors.l1)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("tickets:summary", args=[ticket.pk])).content.decode()

    assert 'id="ticket-summary"' in html and 'id="ticket-properties"' in html and 'id="ticket-history"' in html
    summary = html[: html.index('id="ticket-properties"')]
    assert "status-pending" in summary
    assert actors.l2.get_username() in summary or actors.l2.get_full_name() in summary
    assert len(queries) <= 12


def test_a_queue_row_comes_while_listed_and_goes_when_not(client, actors):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)
    row = reverse("tickets:queue_row", args=[ticket.pk])

    listed = client.get(row, {"view": "team"})
    assert listed.status_code == 200 and f'data-ticket="{ticket.pk}"' in listed.content.decode()
    assert client.get(row, {"view": "team", "q": "nothing like this"}).status_code == 204

    services.ticket_assign(ticket=ticket, assignee=actors.l2, actor=actors.l1)
    assert client.get(row, {"view": "unassigned"}).status_code == 204  # taken: it leaves that view
    assert client.get(row, {"view": "mine"}).status_code == 204

    client.force_login(actors.other_team_agent)
    assert client.get(row, {"view": "team"}).status_code == 204


def test_a_change_is_heard_on_the_ticket_and_in_its_teams_queue(actors):
    ticket = new_ticket(actors)
    before = LiveEvent.objects.count()

    services.ticket_assign(ticket=ticket, assignee=actors.l2, actor=actors.l1)

    heard = {(e.stream, e.kind) for e in LiveEvent.objects.order_by("pk")[before:]}
    assert heard == {(f"ticket:{ticket.pk}", "event"), (f"queue:team:{ticket.team_id}", "row")}
