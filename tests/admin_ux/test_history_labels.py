"""The ticket's history as people read it: translated labels for every kind of event (also those of
other apps), facts by their field labels in the viewer's language, people by their names."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tickets import services
from tickets.history import event_label, register_event_label, ticket_event_record
from tickets.models import AgentProfile, Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(actors, categories):
    with translation.override("en"):
        return _ticket(actors, categories)


def _ticket(actors, categories):
    from tickets.models import CategoryField

    CategoryField.objects.filter(category=categories.product, key="order_number").update(label_zh_hans="订单号")
    ticket = services.ticket_create(
        customer=actors.customer,
        subject="Broken lamp",
        body="It arrived broken",
        channel=Channel.WEB,
        category=categories.product,
    )
    services.ticket_assign(ticket=ticket, assignee=actors.l1, actor=actors.supervisor)
    services.ticket_assign(ticket=ticket, assignee=actors.l2, actor=actors.supervisor)
    services.ticket_record_facts(ticket=ticket, facts={"order_number": "SO-1"}, actor=actors.l1)
    ticket_event_record(ticket=ticket, kind="compensation_requested", actor=actors.l1, data={"new": "Coupon: EUR 5.00"})
    ticket_event_record(
        ticket=ticket, kind="tracking_added", actor=actors.l1, data={"new": "LX123456789CN (China Post)"}
    )
    return ticket


def history_of(client, user, ticket) -> str:
    client.force_login(user)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    history = re.search(r'<details class="card" id="ticket-history".*?</details>', html, re.S)
    assert history
    return history.group(0)


def test_history_in_english_names_people_and_facts(client, actors, ticket):
    html = history_of(client, actors.supervisor, ticket)
    assert "order_number" not in html
    assert "Facts recorded" in html and "Order number" in html
    assert actors.l1.get_full_name() in html and actors.l2.get_full_name() in html
    assert f">{actors.l1.username}<" not in html and f"> {actors.l1.username}" not in html
    assert f"{actors.l1.pk} →" not in html  # the old assignee by name, not by id
    assert "Compensation requested" in html
    assert "Parcel tracking added" in html
    assert "Tracking added" not in html  # not the code with its underscores replaced


def test_history_in_chinese(client, actors, ticket):
    AgentProfile.objects.filter(user=actors.supervisor).update(ui_language="zh-hans")
    html = history_of(client, actors.supervisor, ticket)
    assert "已记录信息" in html and "订单号" in html
    assert "处理人" in html
    assert "已申请补偿" in html
    assert "已添加包裹追踪" in html
    assert "Compensation requested" not in html


@translation.override("en")
def test_other_apps_add_their_labels_to_the_registry():
    assert str(event_label("compensation_approved")) == "Compensation approved"
    assert str(event_label("tracking_corrected")) == "Parcel tracking corrected"
    register_event_label("test_kind", "A test kind")
    assert str(event_label("test_kind")) == "A test kind"
    assert str(event_label("never_registered")) == "never_registered"
