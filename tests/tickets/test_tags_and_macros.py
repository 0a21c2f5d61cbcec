"""Tags and macros: each change a macro makes goes through its own service and event, in the ticket's
language, only for those allowed to use the macro."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from helpdesk.errors import NotFound, ServiceError
from tickets import services
from tickets.history import TicketEventKind
from tickets.models import Channel, Macro, MacroUse, MessageKind, Priority, Status, Tag, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(actors, teams, categories):
    photo = services.AttachmentInput("lamp.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return services.ticket_create(
        customer=actors.customer,
        subject="Lamp broken",
        body="It arrived in pieces.",
        channel=Channel.WEB,
        attachments=[photo],
    )


def kinds(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))


def test_agents_add_free_tags_and_reuse_managed_ones_in_any_case(actors, ticket):
    Tag.objects.create(name="VIP", managed=True)
    tags = services.ticket_change_tags(ticket=ticket, actor=actors.l1, add=["vip", " fragile ", "vip"])
    assert tags == ["fragile", "VIP"]
    assert Tag.objects.get(name="fragile").managed is False
    assert Tag.objects.count() == 2
    event = TicketEvent.objects.get(ticket=ticket, kind=TicketEventKind.TAGS)
    assert (event.old_value, event.new_value) == ("", "fragile, VIP")

    assert services.ticket_change_tags(ticket=ticket, actor=actors.l1, remove=["VIP"], add=["VIP"]) == [
        "fragile",
        "VIP",
    ]
    assert services.ticket_change_tags(ticket=ticket, actor=actors.l1, remove=["Vip"]) == ["fragile"]
    assert list(Ticket.objects.filter(ticket_tags__tag__name="fragile")) == [ticket]


def test_tags_are_refused_for_strangers_and_beyond_reason(actors, ticket):
    with pytest.raises(NotFound):
        services.ticket_change_tags(ticket=ticket, actor=actors.other_team_agent, add=["x"])
    with pytest.raises(ServiceError):
        services.ticket_change_tags(ticket=ticket, actor=actors.l1, add=["  "])
    with pytest.raises(ServiceError):
        services.ticket_change_tags(ticket=ticket, actor=actors.l1, add=[f"t{i}" for i in range(21)])
    assert not Tag.objects.filter(ticket_tags__ticket=ticket).exists()


@pytest.fixture
def broken_item_macro(categories, teams):
    macro = Macro.objects.create(
        name="Broken item: refund and solve",
        team=teams.europe,
        reply_en="Dear {customer_name}, we are sorry about {ticket_reference}. — {agent_name}",
        reply_de="Liebe/r {customer_name}, es tut uns leid wegen {ticket_reference}. — {agent_name}",
        status=Status.SOLVED,
        priority=Priority.HIGH,
        category=categories.product,
        assignee="me",
        facts={"order_number": "SO-1001"},
    )
    macro.tags.add(Tag.objects.create(name="damaged"))
    return macro


def test_a_macro_makes_each_change_through_its_service_in_the_customers_language(
    actors, ticket, broken_item_macro, django_capture_on_commit_callbacks
):
    actors.l1.first_name, actors.l1.last_name = "Anna", "Berg"
    actors.l1.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.macro_apply(ticket=ticket, macro=broken_item_macro, actor=actors.l1)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.category.slug, ticket.assignee) == (
        Status.SOLVED,
        Priority.HIGH,
        "product",
        actors.l1,
    )
    assert ticket.facts == {"order_number": "SO-1001"}
    reply = ticket.messages.get(kind=MessageKind.REPLY)
    assert reply.body == f"Liebe/r Lena Schmidt, es tut uns leid wegen {ticket.reference}. — Anna Berg"
    assert [m.to for m in mail.outbox][-1] == ["lena@example.de"]
    assert set(kinds(ticket)) >= {"category", "facts", "tags", "priority", "assignee", "status", "macro"}
    assert len(result.changed) == 7
    assert MacroUse.objects.filter(macro=broken_item_macro, ticket=ticket, actor=actors.l1).exists()
    broken_item_macro.refresh_from_db()
    assert broken_item_macro.uses == 1


def test_an_untranslated_reply_falls_back_to_english(actors, ticket, broken_item_macro):
    broken_item_macro.reply_de = ""
    broken_item_macro.status = ""
    broken_item_macro.save()
    services.macro_apply(ticket=ticket, macro=broken_item_macro, actor=actors.l1)
    assert ticket.messages.get(kind=MessageKind.REPLY).body.startswith("Dear Lena Schmidt")


def test_a_refused_change_undoes_the_whole_macro(actors, ticket, broken_item_macro):
    broken_item_macro.facts = {}
    broken_item_macro.save()  # solving now lacks the product category's required fact
    with pytest.raises(ServiceError):
        services.macro_apply(ticket=ticket, macro=broken_item_macro, actor=actors.l1)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.priority == Priority.NORMAL
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()
    assert not MacroUse.objects.exists()


def test_who_may_use_a_macro(actors, teams, ticket, broken_item_macro):
    mine = Macro.objects.create(name="Mine", owner=actors.l2, priority=Priority.LOW)
    everyone = Macro.objects.create(name="Everyone", priority=Priority.LOW)
    america = Macro.objects.create(name="America only", team=teams.america, priority=Priority.LOW)
    assert set(services.macros_visible_to(actors.l1)) == {broken_item_macro, everyone}
    assert set(services.macros_visible_to(actors.l2)) == {broken_item_macro, everyone, mine}
    for macro in (mine, america):
        with pytest.raises(NotFound):
            services.macro_apply(ticket=ticket, macro=macro, actor=actors.l1)
    with pytest.raises(NotFound):  # a ticket the agent cannot see
        services.macro_apply(ticket=ticket, macro=everyone, actor=actors.other_team_agent)


def test_the_admin_lists_the_placeholders_where_the_reply_is_written(client, actors, broken_item_macro):
    client.force_login(actors.admin)
    page = client.get(reverse("admin:tickets_macro_change", args=[broken_item_macro.pk])).content.decode()
    for name in ("{customer_name}", "{ticket_reference}", "{agent_name}", "{order_number}"):
        assert name in page
