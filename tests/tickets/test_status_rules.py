"""The ticket life cycle (new, open, pending, solved, closed; reopen and follow-up), through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from helpdesk.errors import NotFound, ServiceError
from tickets import services
from tickets.models import Channel, MessageKind, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _new_ticket(actors, **kwargs) -> Ticket:
    return services.ticket_create(
        customer=actors.customer, subject="Parcel late", body="Where is it?", channel=Channel.WEB, **kwargs
    )


def test_new_ticket_is_routed_to_the_team_of_the_customers_country(actors, teams):
    ticket = _new_ticket(actors)
    assert ticket.team == teams.europe
    assert ticket.status == Status.NEW
    assert ticket.language == "de"
    assert ticket.reference == f"HD-{ticket.pk:06d}"
    assert ticket.messages.get().kind == MessageKind.CUSTOMER
    assert TicketEvent.objects.filter(ticket=ticket, kind="created").exists()


def test_customer_reply_reopens_a_solved_ticket(actors, categories):
    ticket = _new_ticket(actors, category=categories.other)
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    services.message_receive_from_customer(ticket=ticket, body="Still broken", channel=Channel.EMAIL)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.solved_at is None
    assert list(ticket.events.filter(kind="status").values_list("old_value", "new_value")) == [
        ("new", "solved"),
        ("solved", "open"),
    ]


def test_customer_reply_to_a_closed_ticket_opens_a_linked_follow_up(actors, categories):
    ticket = _new_ticket(actors, category=categories.other)
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    services.ticket_set_status(ticket=ticket, status=Status.CLOSED, actor=actors.l1)
    message = services.message_receive_from_customer(ticket=ticket, body="Again!", channel=Channel.EMAIL)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    follow_up = message.ticket
    assert follow_up.pk != ticket.pk
    assert follow_up.follow_up_of == ticket
    assert follow_up.status == Status.NEW


def test_reply_with_pending_waits_on_customer_and_customer_answer_reopens(actors):
    ticket = _new_ticket(actors)
    services.message_add_reply(ticket=ticket, author=actors.l1, body="Please send a photo", set_pending=True)
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.first_response_at is not None
    services.message_receive_from_customer(ticket=ticket, body="Here it is", channel=Channel.EMAIL)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_cannot_solve_while_required_facts_are_missing(actors, categories):
    ticket = _new_ticket(actors, category=categories.logistics)
    with pytest.raises(ServiceError) as error:
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    assert "Tracking number" in error.value.message and "Ship date" in error.value.message
    services.ticket_record_facts(
        ticket=ticket,
        facts={"tracking_number": "LX123456789CN", "ship_date": "2026-11-01", "destination_country": "de"},
        actor=actors.l1,
    )
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.facts["destination_country"] == "DE"


def test_image_fact_needs_an_image_attachment(actors, categories):
    from tickets.services import AttachmentInput

    ticket = _new_ticket(actors, category=categories.product)
    services.ticket_record_facts(ticket=ticket, facts={"order_number": "SO-1"}, actor=actors.l1)
    assert [f.key for f in services.missing_facts(ticket)] == ["photos"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    services.message_add_note(
        ticket=ticket,
        author=actors.l1,
        body="photo from chat",
        attachments=[AttachmentInput(name="damage.png", content=png)],
    )
    assert services.missing_facts(ticket) == []


def test_solved_tickets_close_after_seven_days(actors, categories):
    ticket = _new_ticket(actors, category=categories.other)
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    assert services.tickets_close_solved(now=timezone.now() + timedelta(days=6)) == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert services.tickets_close_solved() == 1
        assert services.tickets_close_solved() == 0
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None


def test_agent_of_another_team_cannot_touch_the_ticket(actors):
    ticket = _new_ticket(actors)
    with pytest.raises(NotFound):
        services.message_add_reply(ticket=ticket, author=actors.other_team_agent, body="hi")


def test_reply_is_emailed_but_note_is_not(actors, django_capture_on_commit_callbacks):
    ticket = _new_ticket(actors)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_add_note(ticket=ticket, author=actors.l1, body="SECRET internal remark")
        services.message_add_reply(ticket=ticket, author=actors.l1, body="Wir kümmern uns darum.")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["lena@example.de"]
    assert ticket.reference in sent.subject
    assert "SECRET" not in sent.body
    assert "Wir kümmern uns darum." in sent.body
    assert sent.extra_headers["In-Reply-To"] == f"<ticket-{ticket.pk}@helpdesk.localhost>"


def test_merge_moves_messages_and_closes_the_duplicate(actors):
    first = _new_ticket(actors)
    duplicate = _new_ticket(actors)
    services.ticket_merge(source=duplicate, target=first, actor=actors.l1)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into == first
    assert first.messages.count() == 2
