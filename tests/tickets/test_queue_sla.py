"""The queue shows each ticket's SLA: time left, at-risk and breached badges, sort by due, waiting per team."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.models import Channel

pytestmark = pytest.mark.django_db


def _ticket(actors, category, subject: str):
    return services.ticket_create(
        customer=actors.customer, subject=subject, body="hello", channel=Channel.WEB, category=category
    )


def test_queue_shows_time_left_and_badges_after_warning_and_breach(client, actors, categories):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        inquiry = _ticket(actors, categories.other, "Inquiry soon due")
        complaint = _ticket(actors, categories.logistics, "Complaint later due")
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        services.sla_sweep()  # inquiry (3 min) breached; complaint (10 min) not yet at 80 %
        client.force_login(actors.l1)
        page = client.get(reverse("tickets:queue"), {"sort": "due"}).content.decode()
    rows = page.split('<tr data-ticket="')[1:]
    assert rows[0].startswith(str(inquiry.pk)) and rows[1].startswith(str(complaint.pk))  # most urgent first
    assert "sla-breached" in rows[0] and "data-deadline" in rows[0]
    assert "sla-ok" in rows[1]
    with time_machine.travel(start + timedelta(minutes=8, seconds=5), tick=False):
        services.sla_sweep()
        page = client.get(reverse("tickets:queue")).content.decode()
    assert "sla-at_risk" in page.split(f'<tr data-ticket="{complaint.pk}"')[1].split("</tr>")[0]


def test_supervisors_see_how_many_tickets_wait_per_team(client, actors, categories, teams):
    for index in range(3):
        _ticket(actors, categories.other, f"Waiting {index}")
    client.force_login(actors.supervisor)
    page = client.get(reverse("tickets:queue")).content.decode()
    assert "Europe: 3" in page
    client.force_login(actors.admin)
    page = client.get(reverse("tickets:queue")).content.decode()
    assert "Europe: 3" in page and "North America: 0" in page
