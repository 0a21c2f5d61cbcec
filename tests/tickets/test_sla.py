"""First-response and resolution SLA, shifts and routing, with controlled time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from helpdesk import roles
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
from workspace.models import Notification

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


def _due_complaints(actors, categories, count: int, at: datetime) -> list[Ticket]:
    """Complaints arriving at `at`, by turns unassigned, with an agent away and with one on shift; some urgent."""
    tickets = []
    with time_machine.travel(at, tick=False):
        for i in range(count):
            ticket = _ticket(actors, categories.logistics, priority=Priority.URGENT if i % 4 == 0 else Priority.NORMAL)
            assignee = (None, actors.l1, actors.l2)[i % 3]
            if assignee is not None:
                services.ticket_assign(ticket=ticket, assignee=assignee, actor=assignee)
            tickets.append(ticket)
    return tickets


def test_a_sweep_runs_as_many_queries_for_fifty_due_tickets_as_for_ten(actors, categories, teams):
    from tests.factories import make_staff

    make_staff(team=teams.europe, tier="L3", group=roles.SUPERVISOR_GROUP, username="super2", email="s2@example.com")
    away = actors.l1.agent_profile
    away.on_shift = False
    away.save()
    counts = []
    for count, start in ((2, T0), (10, T0 + timedelta(hours=1)), (50, T0 + timedelta(hours=2))):
        tickets = _due_complaints(actors, categories, count, start)
        with time_machine.travel(start + timedelta(minutes=11), tick=False), CaptureQueriesContext(connection) as sql:
            result = services.sla_sweep()
        assert result.warned == result.breached == sorted(t.pk for t in tickets)
        assert len(result.reassigned) == len([t for t in tickets if t.assignee_id != actors.l2.pk])
        counts.append(len(sql))
    assert counts[1] == counts[2], "\n".join(q["sql"][:100] for q in sql.captured_queries)
    # savepoints included, and the notices delivered as each person chose (their choices read once)
    # with their bells rung on the live pages (stream numbers and events, one statement each)
    assert counts[2] <= 36


def test_escalation_speaks_each_persons_language_and_spreads_the_tickets(
    actors, categories, teams, django_capture_on_commit_callbacks
):
    supervisor = actors.supervisor.agent_profile
    supervisor.ui_language = "zh-hans"
    supervisor.save()
    away = actors.l1.agent_profile  # the only German speaker
    away.on_shift = False
    away.save()
    french = _due_complaints(actors, categories, 2, T0)
    german = _due_complaints(actors, categories, 6, T0)
    Ticket.objects.filter(pk__in=[t.pk for t in french]).update(language="fr", assignee=None)
    Ticket.objects.filter(pk__in=[t.pk for t in german]).update(language="de", assignee=None)
    late = T0 + timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(late, tick=False):
        result = services.sla_sweep()
        on_shift = {p.user_id for p in services.agents_on_shift(teams.europe.pk, late)}
    # French first to the French speaker; nobody on shift speaks German, so those go by fewest open tickets.
    assert {result.reassigned[t.pk] for t in french} == {actors.l2.pk}
    given = Counter(result.reassigned[t.pk] for t in french + german)
    assert set(given) == on_shift and max(given.values()) - min(given.values()) <= 1
    for ticket in french + german:
        assignee = get_user_model().objects.get(pk=result.reassigned[ticket.pk])
        assert ticket.events.filter(kind="assignee", old_value="", new_value=assignee.username).count() == 1
    # One notice per person: each new assignee is told how many they were given, in their language.
    assert min(given.values()) >= 2
    for user_id, count in given.items():
        [given_text] = Notification.objects.filter(user_id=user_id, key__startswith="sla-reassigned:")
        assert given_text.text == (
            f"{count} 张未达到 SLA 目标的工单已分配给您。"
            if user_id == actors.supervisor.pk
            else f"{count} tickets that missed their SLA target were given to you."
        )
    [breach_notice] = Notification.objects.filter(user=actors.supervisor, key__startswith="sla-breach:")
    assert breach_notice.text == "8 张工单未达到 SLA 目标。"
    [email] = [m for m in mail.outbox if m.to == [actors.supervisor.email]]
    assert email.subject == "8 张工单未达到 SLA 目标" and "以下工单未达到 SLA 目标，已升级：" in email.body
    assert all(t.reference in email.body for t in french + german)


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
@time_machine.travel(T0, tick=False)  # the ORM sets created_at (auto_now_add) to the time of the insert
def test_sweep_rows_are_inserted_as_the_orm_would(actors, monkeypatch, vendor):
    from django.db import DataError

    from helpdesk.bulk import insert_rows

    monkeypatch.setattr(connection, "vendor", vendor)  # "sqlite": the quick start's path, through the ORM
    fields = ("user_id", "key", "text", "url", "created_at")
    rows = [(actors.l1.pk, "a", "first", "/a/", T0), (actors.l2.pk, "a", "second", "", T0)]
    insert_rows(Notification, fields, [*rows, (actors.l1.pk, "a", "again", "/b/", T0)], ignore_conflicts=True)
    notices = Notification.objects.order_by("pk").values_list(*fields)
    assert list(notices) == rows  # the second notice with the same key for l1 was skipped
    assert all(n.read_at is None for n in Notification.objects.all())
    with pytest.raises(DataError), transaction.atomic():  # too long for the column: refused, not cut short
        insert_rows(Notification, fields, [(actors.l3.pk, "k" * 201, "text", "", T0)])


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_sweep_rows_are_updated_each_to_its_own_values(actors, categories, monkeypatch, vendor):
    from helpdesk.bulk import update_rows

    first, second, untouched = (_ticket(actors, categories.other) for _ in range(3))
    monkeypatch.setattr(connection, "vendor", vendor)
    update_rows(
        Ticket,
        ("id", "sla_state", "priority", "assignee_id"),
        [(first.pk, "breached", 3, actors.l1.pk), (second.pk, "at_risk", 1, None)],
    )
    rows = Ticket.objects.order_by("pk").values_list("pk", "sla_state", "priority", "assignee_id", "subject")
    assert list(rows) == [
        (first.pk, "breached", 3, actors.l1.pk, "Help"),
        (second.pk, "at_risk", 1, None, "Help"),
        (untouched.pk, "ok", 2, None, "Help"),
    ]


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
