"""The one intake path: what any channel hands in becomes a customer, a ticket and a message the same
way, and a new channel is one module and a registration (tests/tickets/pigeon_channel.py)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from helpdesk.errors import ServiceError
from tests.tickets import pigeon_channel
from tests.tickets.pigeon_channel import LOFT, pigeon_arrives
from tickets import services
from tickets.history import TicketEventKind
from tickets.listeners import Arrived, register_message_listener, unregister_message_listener
from tickets.models import Channel, Customer, Message, MessageKind, Metric, SlaClock, Status, Ticket, TicketEvent
from tickets.services import Arrival, Sender, intake_receive, messages
from tickets.services.intake import register_intake_redactor, unregister_intake_redactor

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def pigeon():
    services.register_channel(pigeon_channel.ADAPTER)
    LOFT.clear()
    yield pigeon_channel.ADAPTER
    from tickets.services.intake import unregister_channel

    unregister_channel("pigeon")


def test_a_new_channel_opens_a_ticket_for_a_customer_known_only_by_its_id(pigeon, actors, teams):
    received = pigeon_arrives(ring="R-17", note="My parcel never came", name="Ana", photo=PNG)

    ticket = received.ticket
    assert received.opened
    assert ticket.channel == "pigeon" and ticket.conversation_key == "R-17"
    customer = ticket.customer
    assert (customer.email, customer.name, customer.external_ids) == ("", "Ana", {"pigeon": "R-17"})
    message = received.message
    assert (message.kind, message.channel, message.body) == (MessageKind.CUSTOMER, "pigeon", "My parcel never came")
    assert [a.content_type for a in message.attachments.all()] == ["image/png"]
    # the clock runs from the stored message's own time
    clock = SlaClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert clock.started_at == message.created_at == ticket.first_customer_message_at
    assert mail.outbox == []  # nobody to email: no acknowledgement goes astray


def test_the_channels_key_threads_the_conversation_and_the_status_rules_hold(
    pigeon, actors, teams, django_capture_on_commit_callbacks
):
    first = pigeon_arrives(ring="R-17", note="Where is my order?").ticket
    again = pigeon_arrives(ring="R-17", note="Any news?")
    assert not again.opened and again.ticket.pk == first.pk
    assert Customer.objects.filter(external_ids__pigeon="R-17").count() == 1
    first.refresh_from_db()

    services.ticket_assign(ticket=first, assignee=actors.l1, actor=actors.l1)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.message_add_reply(ticket=first, author=actors.l1, body="It left Hamburg today.")
    assert reply.channel == "pigeon"
    assert LOFT == [{"ring": "R-17", "text": "It left Hamburg today."}]
    assert mail.outbox == []

    first.refresh_from_db()
    services.ticket_set_status(ticket=first, status=Status.SOLVED, actor=actors.l1)
    reopened = pigeon_arrives(ring="R-17", note="It is not here yet")
    first.refresh_from_db()
    assert reopened.ticket.pk == first.pk and first.status == Status.OPEN

    services.ticket_set_status(ticket=first, status=Status.SOLVED, actor=actors.l1)
    services.ticket_set_status(ticket=first, status=Status.CLOSED, actor=actors.l1)
    follow_up = pigeon_arrives(ring="R-17", note="A new problem")
    assert follow_up.opened and follow_up.ticket.follow_up_of_id == first.pk
    assert follow_up.ticket.customer_id == first.customer_id
    later = pigeon_arrives(ring="R-17", note="More about it")
    assert later.ticket.pk == follow_up.ticket.pk


def test_the_channel_is_named_on_the_queue_and_the_ticket(pigeon, client, actors, teams):
    ticket = pigeon_arrives(ring="R-3", note="Hello").ticket
    client.force_login(actors.l1)
    assert "Carrier pigeon" in client.get(reverse("tickets:queue")).content.decode()
    assert "Carrier pigeon" in client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()


def test_an_unregistered_channel_is_refused_and_nothing_is_stored(actors, teams):
    with pytest.raises(ServiceError) as refused:
        intake_receive(Arrival(channel="fax", sender=Sender(email="x@example.com"), subject="Hi", body="Hi"))
    assert "Unknown channel" in str(refused.value.message)
    assert not Ticket.objects.exists() and not Customer.objects.filter(email="x@example.com").exists()


def test_customers_are_found_across_channels_by_the_strongest_identity_given(actors, teams):
    by_phone = services.customer_get_or_create(phone="+49 (30) 1234-567", name="Jonas")
    assert by_phone.phone == "+49301234567" and by_phone.email == ""
    assert services.customer_get_or_create(phone="+49301234567").pk == by_phone.pk
    # a stranger giving someone else's phone number with their own address is not taken for them
    stranger = services.customer_get_or_create(email="mallory@example.com", phone="+49301234567")
    assert stranger.pk != by_phone.pk
    # two customers without an email address are two customers
    other = services.customer_get_or_create(external_ids={"line": "U-9"})
    assert other.pk != by_phone.pk and Customer.objects.filter(email="").count() == 2
    # what a known customer tells anew is learnt; what was known stays
    learnt = services.customer_get_or_create(email=actors.customer.email, phone="+33 1 23 45 67 89", country="FR")
    assert learnt.pk == actors.customer.pk and learnt.phone == "+33123456789" and learnt.country == "DE"
    with pytest.raises(ServiceError):
        services.customer_get_or_create(phone="call me")


def test_files_are_checked_once_and_email_keeps_a_refused_one_as_a_note(actors, teams, monkeypatch):
    checks: list[str] = []
    real_check = messages._check_file

    def counted(item):
        checks.append(item.name)
        return real_check(item)

    monkeypatch.setattr(messages, "_check_file", counted)
    files = [services.AttachmentInput("photo.png", PNG), services.AttachmentInput("tool.exe", b"MZ\x90\x00")]
    received = intake_receive(
        Arrival(
            channel=Channel.EMAIL,
            sender=Sender(email="jonas@example.de"),
            subject="Broken lamp",
            body="",
            attachments=files,
            keep_refused_files_as_notes=True,
        )
    )
    assert checks == ["photo.png", "tool.exe"]
    body = received.message.body
    assert body.startswith("(No text; see the attachments.)") and "[Attachment not kept: tool.exe" in body
    assert [a.original_name for a in received.message.attachments.all()] == ["photo.png"]

    checks.clear()
    with pytest.raises(ServiceError):
        services.ticket_create(
            customer=actors.customer, subject="Lamp", body="See files", channel=Channel.WEB, attachments=files
        )
    assert checks == ["photo.png", "tool.exe"]
    assert not Ticket.objects.filter(subject="Lamp").exists()


def test_a_registered_redactor_sees_every_customer_message_before_it_is_stored(actors, teams):
    def hide_cards(text: str) -> str:
        return text.replace("4111 1111 1111 1111", "[card number removed]")

    register_intake_redactor(hide_cards)
    try:
        ticket = services.ticket_create(
            customer=actors.customer, subject="Refund", body="Pay back to 4111 1111 1111 1111", channel=Channel.WEB
        )
        services.message_receive_from_customer(ticket=ticket, body="Card 4111 1111 1111 1111 again", channel="web")
    finally:
        unregister_intake_redactor(hide_cards)
    bodies = list(Message.objects.filter(ticket=ticket).values_list("body", flat=True))
    assert bodies == ["Pay back to [card number removed]", "Card [card number removed] again"]
    ticket.refresh_from_db()
    assert "4111" not in ticket.search_text


@pytest.fixture
def heard():
    """What a registered listener hears (as an app above tickets does from its `ready()`)."""
    told: list[Arrived] = []
    register_message_listener("test-ear", told.append)
    yield told
    unregister_message_listener("test-ear")


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.WEB, Channel.API, Channel.PHONE, "pigeon"])
def test_listeners_hear_every_channels_arrival_once_it_commits(
    channel, pigeon, heard, actors, teams, django_capture_on_commit_callbacks
):
    sender = Sender(email="ana@example.com", app_ids={"pigeon": "R-9"} if channel == "pigeon" else {})
    with django_capture_on_commit_callbacks(execute=True):
        first = intake_receive(
            Arrival(channel=channel, sender=sender, conversation_key="R-9", subject="Parcel", body="Where is it?")
        )
        assert heard == []  # nothing of the apps above runs inside the arrival
    with django_capture_on_commit_callbacks(execute=True):
        again = intake_receive(Arrival(channel=channel, ticket=first.ticket, conversation_key="R-9", body="Any news?"))

    ticket = first.ticket
    assert heard == [
        Arrived(ticket.pk, first.message.pk, ticket.customer_id, channel, opened=True, follow_up=False),
        Arrived(ticket.pk, again.message.pk, ticket.customer_id, channel, opened=False, follow_up=False),
    ]


def test_listeners_hear_nothing_of_an_arrival_that_rolls_back(heard, actors, teams, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        intake_receive(Arrival(channel=Channel.WEB, sender=Sender(email="bo@example.com"), subject="Hi", body="Hello"))
        raise RuntimeError("the request failed after the intake")

    assert heard == [] and not Ticket.objects.exists()


def test_a_follow_up_records_its_opening_once_on_each_ticket(
    pigeon, heard, actors, teams, django_capture_on_commit_callbacks
):
    closed = pigeon_arrives(ring="R-5", note="First problem").ticket
    services.ticket_set_status(ticket=closed, status=Status.SOLVED, actor=actors.l1)
    services.ticket_set_status(ticket=closed, status=Status.CLOSED, actor=actors.l1)

    with django_capture_on_commit_callbacks(execute=True):
        follow_up = pigeon_arrives(ring="R-5", note="A new problem").ticket

    def kinds(ticket):
        return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", "new_value"))

    assert kinds(follow_up) == [(TicketEventKind.CREATED, "pigeon")]
    assert [(kind, new) for kind, new in kinds(closed) if kind in ("created", "follow_up")] == [
        (TicketEventKind.CREATED, "pigeon"),
        (TicketEventKind.FOLLOW_UP, follow_up.reference),
    ]
    assert [(arrived.ticket_id, arrived.opened, arrived.follow_up) for arrived in heard] == [(follow_up.pk, True, True)]
