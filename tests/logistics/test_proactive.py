"""A proactive notice is our message to the customer, not theirs to us: it starts no first-response
clock, the agent sees it in the thread as sent automatically, and the proactive ticket has its own
target (an agent looks at it within PROACTIVE_REVIEW_MINUTES) that warns and escalates as usual."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from logistics.models import ShipmentException
from tickets.models import Message, MessageKind, SlaBreach, SlaClock, Ticket
from tickets.services import message_add_note, sla_sweep
from workspace.models import Notification

from .live import aftership, ago

pytestmark = pytest.mark.django_db


def _proactive_ticket(webhook) -> Ticket:
    lost = aftership(
        "LZ300000019CN",
        "EX2000002",
        [(ago(days=5), "InTransit", "InTransit_002", "Accepted"), (ago(hours=1), "Exception", "Exception_013", "Lost")],
        event_id="lost-now",
    )
    webhook("aftership", lost)
    return ShipmentException.objects.get().ticket


def test_a_proactive_ticket_left_alone_never_breaches_first_response_its_own_target_warns_and_escalates(
    webhook, shop, actors, settings
):
    settings.PROACTIVE_REVIEW_MINUTES = 120
    ticket = _proactive_ticket(webhook)
    opened = timezone.now()
    assert ticket.first_customer_message_at is None
    assert set(SlaClock.objects.filter(ticket=ticket).values_list("metric", flat=True)) == {
        "proactive_review",
        "resolution",
    }
    priority = Ticket.objects.get(pk=ticket.pk).priority

    with time_machine.travel(opened + timedelta(minutes=97), tick=False):
        assert ticket.pk in sla_sweep().warned  # at 80 % of two hours
    assert Ticket.objects.get(pk=ticket.pk).sla_state == "at_risk"

    with time_machine.travel(opened + timedelta(minutes=121), tick=False):
        assert ticket.pk in sla_sweep().breached
    assert list(SlaBreach.objects.filter(ticket=ticket).values_list("metric", flat=True)) == ["proactive_review"]
    assert Ticket.objects.get(pk=ticket.pk).priority > priority  # escalated
    assert Notification.objects.filter(user=actors.supervisor, text__contains=ticket.reference).exists()

    with time_machine.travel(opened + timedelta(days=3), tick=False):
        sla_sweep()
    assert not SlaBreach.objects.filter(metric="first_response").exists()


def test_an_agents_note_meets_the_review_target(webhook, shop, actors):
    ticket = _proactive_ticket(webhook)
    message_add_note(ticket=ticket, author=actors.l1, body="Asked China Post to search for it.")

    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):
        sla_sweep()
    assert not SlaBreach.objects.filter(ticket=ticket).exists()
    assert SlaClock.objects.get(ticket=ticket, metric="proactive_review").met_at is not None


def test_the_agent_sees_the_notice_as_sent_by_the_system_in_the_thread(webhook, shop, actors, client):
    ticket = _proactive_ticket(webhook)
    notice = Message.objects.get(ticket=ticket, kind=MessageKind.SYSTEM)
    assert notice.author is None and notice.is_automatic
    assert not ticket.messages.filter(kind=MessageKind.CUSTOMER).exists()
    assert "LZ300000019CN" in notice.body

    client.force_login(actors.l1)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    article = page.split(f'id="message-{notice.pk}"')[1].split("</article>")[0]
    assert "msg system" in page.split(f'id="message-{notice.pk}"')[0][-60:]
    assert "Sent automatically" in article
    author = article.split('class="author">')[1].split("</strong>")[0]
    assert author == "System"  # not the customer's name
