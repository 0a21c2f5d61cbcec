"""Each change of a ticket has one write path, which records a typed, labelled event: the merge, the
SLA sweep's escalation and the admin's actions included."""

from __future__ import annotations

import ast
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.dispatch import Signal
from django.urls import reverse

from helpdesk.names import person_name
from logistics.history import TrackingEventKind
from policies.history import CompensationEventKind
from tickets import services, signals
from tickets.history import (
    TicketEventKind,
    event_kinds,
    event_rows,
    is_event_kind,
    ticket_event_record,
    ticket_events_record,
)
from tickets.models import Channel, Metric, OutboundEmail, Priority, SlaClock, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)  # a Friday morning in the support centre
ROOT = Path(__file__).resolve().parents[2]
APPS = ("tickets", "policies", "logistics", "feedback", "reports", "helpdesk", "workspace")


def _ticket(actors, **kwargs) -> Ticket:
    kwargs.setdefault("customer", actors.customer)
    return services.ticket_create(subject="Parcel late", body="Where is it?", channel=Channel.WEB, **kwargs)


@pytest.fixture
def status_changes():
    """What the status signal told its receivers, as they would see it."""
    seen: list[dict] = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    signals.ticket_status_changed.connect(receiver, weak=False, dispatch_uid="test-spy")
    yield seen
    signals.ticket_status_changed.disconnect(dispatch_uid="test-spy")


def test_a_merged_duplicate_is_closed_by_the_status_path_with_the_agents_name(actors, status_changes):
    first = _ticket(actors)
    duplicate = _ticket(actors)
    services.ticket_set_status(ticket=duplicate, status=Status.OPEN, actor=actors.l1)
    status_changes.clear()

    services.ticket_merge(source=duplicate, target=first, actor=actors.l1)

    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into == first and duplicate.closed_at
    event = TicketEvent.objects.get(ticket=duplicate, kind=TicketEventKind.STATUS, new_value=Status.CLOSED)
    assert (event.actor, event.old_value) == (actors.l1, Status.OPEN)
    assert [(c["ticket"].pk, c["actor"], c["old"], c["new"]) for c in status_changes] == [
        (duplicate.pk, actors.l1, Status.OPEN, Status.CLOSED)
    ]
    assert SlaClock.objects.get(ticket=duplicate, metric=Metric.RESOLUTION).met_at is not None
    rows = {row.label: row for row in reversed(event_rows(duplicate))}  # the newest of each label
    assert rows["Status"].new == "Closed" and rows["Status"].actor_name == person_name(actors.l1)
    assert rows["Status"].actor_name != actors.l1.username  # a name, not a login
    assert rows["Merged into"].new == first.reference


def test_a_merge_that_lost_a_race_with_a_status_change_changes_nothing(actors):
    first = _ticket(actors)
    duplicate = _ticket(actors)
    stale = Ticket.objects.get(pk=duplicate.pk)
    services.ticket_set_status(ticket=duplicate, status=Status.OPEN, actor=actors.l2)
    services.ticket_merge(source=stale, target=first, actor=actors.l1)  # the merge locks and reads afresh
    assert TicketEvent.objects.filter(ticket=duplicate, kind="status", old_value=Status.OPEN).count() == 1


def test_an_escalated_ticket_shows_the_priority_and_assignee_changes_by_the_system(actors, categories):
    away = actors.l1.agent_profile
    away.on_shift = False
    away.save()
    with time_machine.travel(T0, tick=False):
        ticket = _ticket(actors, category=categories.logistics, priority=Priority.NORMAL)
        services.ticket_assign(ticket=ticket, assignee=actors.l1, actor=actors.l1)
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        result = services.sla_sweep()

    ticket.refresh_from_db()
    assert result.reassigned == {ticket.pk: ticket.assignee_id} and ticket.assignee != actors.l1
    priority = TicketEvent.objects.get(ticket=ticket, kind=TicketEventKind.PRIORITY)
    assignee = TicketEvent.objects.get(ticket=ticket, kind=TicketEventKind.ASSIGNEE, actor__isnull=True)
    assert (priority.actor, priority.old_value, priority.new_value) == (None, "2", "3")
    assert assignee.old_value == actors.l1.username
    rows = {row.label: row for row in event_rows(ticket) if row.actor is None and row.label != "Created"}
    assert set(rows) == {"Priority", "Assignee"}
    assert (rows["Priority"].old, rows["Priority"].new) == ("Normal", "High")
    assert (rows["Assignee"].old, rows["Assignee"].new) == (person_name(actors.l1), person_name(ticket.assignee))


def test_the_history_page_names_the_system_for_the_sweeps_changes(actors, categories, client):
    with time_machine.travel(T0, tick=False):
        ticket = _ticket(actors, category=categories.logistics, priority=Priority.NORMAL)
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        services.sla_sweep()
    client.force_login(actors.supervisor)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    history = page[page.index('id="ticket-history"') :]
    line = re.search(r"<strong>Priority</strong>(.*?)</li>", history, re.S)
    assert line is not None and "Normal → High" in line.group(1)
    assert '<span class="muted">system</span>' in line.group(1)


def test_an_unregistered_kind_of_event_is_refused_loudly(actors):
    ticket = _ticket(actors)
    before = TicketEvent.objects.count()
    with pytest.raises(ValueError, match="unregistered"):
        ticket_event_record(ticket=ticket, kind="made_up", actor=actors.l1, data={"new": "x"})
    with pytest.raises(ValueError, match="unregistered"):
        ticket_events_record([(ticket.pk, TicketEventKind.PRIORITY, 1, 2), (ticket.pk, "made_up", "", "")])
    assert TicketEvent.objects.count() == before


def test_every_app_registers_its_kinds_with_their_labels():
    kinds = event_kinds()
    for choices in (TicketEventKind, CompensationEventKind, TrackingEventKind):
        for kind in choices:
            assert str(kinds[kind.value]) == str(kind.label)


def _kind_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "kind":
            return keyword.value
    return call.args[2] if len(call.args) > 2 else None


def _recorded_kinds() -> list[tuple[str, int, str]]:
    """Every kind named where the code records an event: (file, line, kind)."""
    choices = {c.__name__: c for c in (TicketEventKind, CompensationEventKind, TrackingEventKind)}
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name != "ticket_event_record":
                    continue
                kind = _kind_argument(node)
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                    found.append((where, node.lineno, kind.value))
                elif isinstance(kind, ast.Attribute) and isinstance(kind.value, ast.Name):
                    assert kind.value.id in choices, f"{where}: kinds come from a registered TextChoices"
                    found.append((where, node.lineno, getattr(choices[kind.value.id], kind.attr).value))
                elif isinstance(kind, ast.Call) and getattr(kind.func, "id", "") == "TicketEventKind":
                    continue  # TicketEventKind(value) itself refuses an unknown value
                else:
                    raise AssertionError(f"{where}: the kind of event must be readable here: {ast.dump(kind)}")
    return found


def test_every_kind_the_code_records_has_a_label():
    found = _recorded_kinds()
    assert len(found) >= 10  # the walk finds the calls it must check
    assert [f"{where}: {kind}" for where, _line, kind in found if not is_event_kind(kind)] == []


def test_each_ticket_signal_has_a_receiver():
    declared = {name: value for name, value in vars(signals).items() if isinstance(value, Signal)}
    assert declared and all(signal.receivers for signal in declared.values()), declared


def test_the_admins_retry_goes_through_the_email_service_and_is_logged(client, actors):
    ticket = _ticket(actors)
    services.message_add_reply(ticket=ticket, author=actors.l1, body="On its way")
    failed = OutboundEmail.objects.get(ticket=ticket)
    OutboundEmail.objects.filter(pk=failed.pk).update(state=OutboundEmail.State.FAILED, last_error="SMTP down")
    client.force_login(actors.admin)
    client.post(
        reverse("admin:tickets_outboundemail_changelist"), {"action": "retry_now", "_selected_action": [failed.pk]}
    )
    failed.refresh_from_db()
    assert failed.state == OutboundEmail.State.PENDING and failed.last_error == ""
    entry = LogEntry.objects.get(object_id=str(failed.pk), content_type__model="outboundemail")
    assert (entry.user, entry.action_flag) == (actors.admin, CHANGE)
    assert services.emails_retry_failed(ids=[failed.pk]) == []  # pending now: nothing to retry


def test_the_admins_list_of_events_shows_people_by_their_names(client, actors):
    ticket = _ticket(actors)
    services.ticket_assign(ticket=ticket, assignee=actors.l1, actor=actors.l1)
    services.ticket_assign(ticket=ticket, assignee=actors.l2, actor=actors.l1)
    client.force_login(actors.admin)
    page = client.get(reverse("admin:tickets_ticketevent_changelist"), {"kind": "assignee"}).content.decode()
    assert person_name(actors.l1) in page and person_name(actors.l2) in page
    assert f">{actors.l2.username}<" not in page
