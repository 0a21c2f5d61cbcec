"""First-response and resolution SLA, shifts and routing, with controlled time."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from helpdesk.models import Notification
from tests.factories import CustomerFactory
from tickets import services
from tickets.models import (
    Channel,
    Metric,
    Priority,
    Shift,
    SlaBreach,
    SlaClock,
    SlaTarget,
    Status,
    Ticket,
)
from tickets.services.routing import is_on_shift

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)  # a Friday morning in the support centre


def _ticket(actors, category=None, **kwargs) -> Ticket:
    kwargs.setdefault("customer", actors.customer)
    return services.ticket_create(subject="Help", body="Please help", channel=Channel.WEB, category=category, **kwargs)


def _clock(ticket: Ticket, metric: str) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, metric=metric)


@time_machine.travel(T0, tick=False)
def test_due_times_on_arrival_follow_the_category_kind(actors, categories):
    inquiry = _ticket(actors, categories.other)
    complaint = _ticket(actors, categories.logistics)
    assert _clock(inquiry, Metric.FIRST_RESPONSE).due_at == T0 + timedelta(minutes=3)
    assert _clock(inquiry, Metric.RESOLUTION).due_at == T0 + timedelta(hours=24)
    assert _clock(complaint, Metric.FIRST_RESPONSE).due_at == T0 + timedelta(minutes=10)
    assert _clock(complaint, Metric.RESOLUTION).due_at == T0 + timedelta(hours=48)
    assert _clock(complaint, Metric.FIRST_RESPONSE).warn_at == T0 + timedelta(minutes=8)
    complaint.refresh_from_db()
    assert complaint.sla_due_at == T0 + timedelta(minutes=10)


@time_machine.travel(T0, tick=False)
def test_a_priority_specific_target_wins_over_the_default(actors, categories):
    SlaTarget.objects.create(
        kind="complaint", priority=Priority.URGENT, first_response_minutes=5, resolution_minutes=240
    )
    ticket = _ticket(actors, categories.logistics, priority=Priority.URGENT)
    assert _clock(ticket, Metric.FIRST_RESPONSE).due_at == T0 + timedelta(minutes=5)


def test_category_change_recomputes_due_times(actors, categories):
    with time_machine.travel(T0, tick=False):
        ticket = _ticket(actors, categories.other)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        services.ticket_set_category(ticket=ticket, category=categories.logistics, actor=actors.l1)
    assert _clock(ticket, Metric.FIRST_RESPONSE).due_at == T0 + timedelta(minutes=10)
    assert _clock(ticket, Metric.RESOLUTION).due_at == T0 + timedelta(hours=48)


def test_pending_pauses_the_resolution_clock_but_not_the_first_response(actors, categories):
    with time_machine.travel(T0, tick=False):
        ticket = _ticket(actors, categories.other)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        services.message_add_note(ticket=ticket, author=actors.l1, body="checking")
        services.ticket_set_status(ticket=ticket, status=Status.PENDING, actor=actors.l1)
    resolution = _clock(ticket, Metric.RESOLUTION)
    assert resolution.paused_at is not None and resolution.due_at is None
    assert _clock(ticket, Metric.FIRST_RESPONSE).due_at == T0 + timedelta(minutes=3)
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        services.message_receive_from_customer(ticket=ticket, body="answer", channel=Channel.EMAIL)
    resolution = _clock(ticket, Metric.RESOLUTION)
    assert resolution.paused_at is None
    assert resolution.due_at == T0 + timedelta(hours=24 + 4)


def test_first_response_is_the_first_public_reply_not_a_note(actors, categories):
    with time_machine.travel(T0, tick=False):
        ticket = _ticket(actors, categories.other)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        services.message_add_note(ticket=ticket, author=actors.l1, body="internal")
    assert _clock(ticket, Metric.FIRST_RESPONSE).met_at is None
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        services.message_add_reply(ticket=ticket, author=actors.l1, body="Hello")
    assert _clock(ticket, Metric.FIRST_RESPONSE).met_at == T0 + timedelta(minutes=2)
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        result = services.sla_sweep()
    assert ticket.pk not in result.breached


def test_warning_at_eighty_percent_notifies_the_assignee_once(actors, categories):
    with time_machine.travel(T0, tick=False):
        ticket = _ticket(actors, categories.logistics)
        services.ticket_assign(ticket=ticket, assignee=actors.l1, actor=actors.l1)
    with time_machine.travel(T0 + timedelta(minutes=7, seconds=59), tick=False):
        assert services.sla_sweep().warned == []
    with time_machine.travel(T0 + timedelta(minutes=8), tick=False):
        assert services.sla_sweep().warned == [ticket.pk]
        assert services.sla_sweep().warned == []
    ticket.refresh_from_db()
    assert ticket.sla_state == "at_risk"
    assert Notification.objects.filter(user=actors.l1, url__contains=str(ticket.pk)).count() == 1


def test_breach_is_recorded_and_escalated_once_however_many_sweeps(
    actors, categories, teams, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0, tick=False):
        ticket = _ticket(actors, categories.logistics, priority=Priority.NORMAL)
    late = T0 + timedelta(minutes=10, seconds=30)
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(late, tick=False):
        first = services.sla_sweep()
        for _ in range(3):
            assert services.sla_sweep().breached == []
    assert first.breached == [ticket.pk]
    breach = SlaBreach.objects.get(ticket=ticket)
    assert breach.metric == Metric.FIRST_RESPONSE
    assert breach.late_by_seconds == 30
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.sla_state == "breached"
    assert ticket.events.filter(kind="priority", old_value="2", new_value="3").count() == 1
    breach_notices = Notification.objects.filter(user=actors.supervisor, text__contains="missed")
    assert [n.text for n in breach_notices] == [f"{ticket.reference} missed its SLA target."]
    supervisor_mail = [m for m in mail.outbox if m.to == [actors.supervisor.email]]
    assert len(supervisor_mail) == 1 and ticket.reference in supervisor_mail[0].body


def test_breached_unassigned_ticket_goes_to_an_agent_on_shift(actors, categories):
    off = actors.l1.agent_profile
    off.on_shift = False
    off.save()
    with time_machine.travel(T0, tick=False):
        ticket = _ticket(actors, categories.logistics)
        services.ticket_assign(ticket=ticket, assignee=actors.l1, actor=actors.l1)
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        result = services.sla_sweep()
    ticket.refresh_from_db()
    assert ticket.assignee is not None and ticket.assignee != actors.l1
    assert result.reassigned[ticket.pk] == ticket.assignee.pk
    assert ticket.events.filter(kind="assignee", old_value="l1").exists()


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (time(23, 30), {"Evening", "Night"}),
        (time(0, 30), {"Night"}),
        (time(6, 59), {"Night"}),
        (time(7, 0), set()),
        (time(16, 30), {"Morning", "Evening"}),
        (time(17, 0), {"Evening"}),
    ],
)
def test_shift_boundaries_across_midnight(db, local, expected):
    shifts = {s.name for s in Shift.objects.all() if s.covers(local)}
    assert shifts == expected


def test_agent_is_on_shift_only_within_their_shift_in_the_support_zone(actors):
    profile = actors.l2.agent_profile
    profile.shifts.set([Shift.objects.get(name="Night")])
    assert is_on_shift(profile, datetime(2026, 11, 20, 23, 30, tzinfo=SHANGHAI))
    assert is_on_shift(profile, datetime(2026, 11, 21, 6, 0, tzinfo=SHANGHAI))
    assert not is_on_shift(profile, datetime(2026, 11, 21, 12, 0, tzinfo=SHANGHAI))


def test_routing_by_region_language_and_load(actors, teams, categories):
    teams.europe.auto_assign = True
    teams.europe.save()
    # l1 speaks de and has two open tickets; a second German speaker with none gets the ticket.
    from tests.factories import make_staff

    fresh = make_staff(team=teams.europe, tier="L1", username="german2", languages=["de"])
    with time_machine.travel(T0, tick=False):
        for _ in range(2):
            t = _ticket(actors, categories.other)
            services.ticket_assign(ticket=t, assignee=actors.l1, actor=actors.l1)
        routed = _ticket(actors, categories.other)
    assert routed.team == teams.europe
    assert routed.assignee == fresh
    # nobody in the team speaks Japanese: the ticket waits unassigned for a person who does.
    with time_machine.travel(T0, tick=False):
        japanese = _ticket(actors, categories.other, customer=CustomerFactory(language="ja", country="DE"))
    assert japanese.assignee is None


def test_routing_breaks_ties_by_who_was_given_a_ticket_least_recently(actors, teams, categories):
    teams.europe.auto_assign = True
    teams.europe.save()
    english = CustomerFactory(language="en", country="DE")
    with time_machine.travel(T0, tick=False):
        first = _ticket(actors, categories.other, customer=english)
        services.ticket_set_status(ticket=first, status=Status.SOLVED, actor=first.assignee)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        second = _ticket(actors, categories.other, customer=english)
    assert first.assignee != second.assignee
