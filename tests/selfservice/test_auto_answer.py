"""The automatic answer to an email asking where an order is: once per ticket, in the ticket's
language, with the parcel's status and a signed link to the order page; the ticket stays open and
its first-response clock keeps running; never for another channel, another question, a customer
without a parcel, a parcel in trouble, or with the setting off."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from logistics.choices import ExceptionKind
from logistics.models import ShipmentException
from selfservice.history import SelfServiceEventKind
from selfservice.tasks import auto_answer_where_is_my_order
from tests.factories import CustomerFactory, OrderFactory, ShipmentFactory
from tickets.adapters import inbound_email_receive
from tickets.history import event_rows
from tickets.models import Channel, Message, MessageKind, Metric, OutboundEmail, SlaClock, Status, Ticket, TicketEvent
from tickets.services import Arrival, Sender, intake_receive, ticket_create

from .conftest import START

pytestmark = pytest.mark.django_db

GERMAN = "Hallo, wo ist meine Bestellung? Sie ist immer noch nicht angekommen."


def _raw_email(sender: str, subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "support@helpdesk.localhost", subject
    message["Message-ID"] = f"<{abs(hash(body))}@mail.example.de>"
    message.set_content(body)
    return message.as_bytes()


def _email_ticket(capture, email="lena@example.de", subject="Paket", body=GERMAN) -> Ticket:
    with capture(execute=True):
        return intake_receive(
            Arrival(channel=Channel.EMAIL, sender=Sender(email=email), subject=subject, body=body, acknowledge=True)
        ).ticket


def _answers(ticket: Ticket) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(key=f"selfservice-auto-answer:{ticket.pk}"))


def test_a_german_email_gets_one_answer_with_the_parcel_and_a_link_that_opens_the_order(
    client, order, parcel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = inbound_email_receive(raw=_raw_email("lena@example.de", "Wo ist mein Paket?", GERMAN), source="test")
    ticket = Ticket.objects.get(pk=record.ticket_id)

    [answer] = _answers(ticket)
    sent = next(m for m in mail.outbox if m.subject == answer.subject)
    assert sent.to == ["lena@example.de"] and sent.subject == f"AW: [{ticket.reference}] Wo ist mein Paket?"
    assert "wo Ihre Bestellung SO-1001 ist" in sent.body
    assert "- Paket JD0001 (DHL): Unterwegs\n  Letzte Meldung: 20. November 2026 05:00, Leipzig\n" in sent.body
    assert "Voraussichtliche Zustellung: 23. November 2026" in sent.body
    assert "automatisch gesendet" in sent.body
    link = re.search(r"http://\S+/support/orders/link/\S+", sent.body).group(0)
    assert link.endswith("?lang=de")
    opened = client.get(link.removeprefix("http://localhost:8000"))
    assert opened.status_code == 302 and opened["Location"] == f"/support/orders/{order.pk}/?lang=de"
    assert "Paket JD0001" in client.get(opened["Location"]).content.decode()


def test_the_ticket_stays_open_its_clock_runs_and_its_history_and_thread_say_what_was_sent(
    order, parcel, django_capture_on_commit_callbacks
):
    ticket = _email_ticket(django_capture_on_commit_callbacks)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.first_response_at is None
    first_response = SlaClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert first_response.met_at is None and first_response.due_at is not None
    system = ticket.messages.get(kind=MessageKind.SYSTEM)
    assert system.is_automatic and system.author is None and "Paket JD0001" in system.body
    assert "/support/orders/link/" not in system.body  # the link that opens the order stays in the email
    assert _answers(ticket)[0].message_id == system.pk
    event = TicketEvent.objects.get(ticket=ticket, kind=SelfServiceEventKind.AUTO_ANSWERED)
    assert event.actor is None and event.new_value == "SO-1001"
    with translation.override("de"):
        assert "Automatisch beantwortet: wo die Bestellung ist" in [row.label for row in event_rows(ticket)]


def test_a_task_run_again_sends_and_records_nothing_twice(order, parcel, django_capture_on_commit_callbacks):
    ticket = _email_ticket(django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert auto_answer_where_is_my_order(ticket.pk) is False
        assert auto_answer_where_is_my_order(ticket.pk) is False
    assert len(mail.outbox) == sent and len(_answers(ticket)) == 1
    assert ticket.messages.filter(kind=MessageKind.SYSTEM).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind=SelfServiceEventKind.AUTO_ANSWERED).count() == 1


def test_an_english_customer_is_answered_in_english_about_the_order_named(
    teams, clock, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(email="emily@example.com", language="en", country="US")
    named = OrderFactory(customer=customer, external_number="SO-2001", placed_at=START - timedelta(days=9))
    ShipmentFactory(order=named, tracking_number="US0001", status="out_for_delivery")
    latest = OrderFactory(customer=customer, external_number="SO-2002", placed_at=START - timedelta(days=1))
    ShipmentFactory(order=latest, tracking_number="US0002")
    ticket = _email_ticket(
        django_capture_on_commit_callbacks, "emily@example.com", "Order SO-2001", "Where is my order SO-2001?"
    )
    [answer] = _answers(ticket)
    assert "where your order SO-2001 is" in answer.body_text and "Parcel US0001: Out for delivery" in answer.body_text
    assert "US0002" not in answer.body_text and "?lang=en" in answer.body_text


@pytest.mark.parametrize(
    "case",
    ["setting off", "another channel", "another question", "no order", "no parcel", "open exception", "follow-up"],
)
def test_no_answer(case, settings, order, parcel, actors, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    email, body = "lena@example.de", GERMAN
    if case == "setting off":
        settings.AUTO_ANSWER_WHERE_IS_MY_ORDER = False
    elif case == "another question":
        body = "Die Lampe ist kaputt angekommen. Wo ist mein Paket mit dem Ersatz?"
    elif case == "no order":
        email = "new@example.de"
    elif case == "no parcel":
        parcel.delete()
    elif case == "open exception":
        ShipmentException.objects.create(shipment=parcel, kind=ExceptionKind.CUSTOMS_HELD, detected_at=START)
    if case == "another channel":
        with capture(execute=True):
            ticket = ticket_create(customer=actors.customer, subject="Paket", body=body, channel=Channel.WEB)
    elif case == "follow-up":
        closed = ticket_create(customer=actors.customer, subject="Alt", body="Danke", channel=Channel.EMAIL)
        Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
        with capture(execute=True):
            ticket = intake_receive(Arrival(channel=Channel.EMAIL, ticket=closed, body=body)).ticket
        assert ticket.follow_up_of_id == closed.pk
    else:
        ticket = _email_ticket(capture, email=email, body=body)
    assert _answers(ticket) == []
    assert not TicketEvent.objects.filter(kind=SelfServiceEventKind.AUTO_ANSWERED).exists()
    assert not Message.objects.filter(kind=MessageKind.SYSTEM).exists()


def test_no_answer_once_an_agent_replied(order, parcel, actors, settings, django_capture_on_commit_callbacks):
    settings.AUTO_ANSWER_WHERE_IS_MY_ORDER = False
    ticket = _email_ticket(django_capture_on_commit_callbacks)
    Ticket.objects.filter(pk=ticket.pk).update(first_response_at=START)
    settings.AUTO_ANSWER_WHERE_IS_MY_ORDER = True
    assert auto_answer_where_is_my_order(ticket.pk) is False and _answers(ticket) == []


def test_the_help_centre_is_in_the_answer(order, parcel, django_capture_on_commit_callbacks):
    ticket = _email_ticket(django_capture_on_commit_callbacks)
    [answer] = _answers(ticket)
    assert f"{reverse('selfservice:help')}?lang=de" in answer.body_text and "Hilfe-Center" in answer.body_html


def test_a_resolved_exception_does_not_stop_the_answer(order, parcel, django_capture_on_commit_callbacks):
    ShipmentException.objects.create(
        shipment=parcel, kind=ExceptionKind.CUSTOMS_HELD, detected_at=START - timedelta(days=2), resolved_at=START
    )
    assert len(_answers(_email_ticket(django_capture_on_commit_callbacks))) == 1
