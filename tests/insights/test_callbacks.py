"""A VIP's solved complaint gets a call 3 days later at 10:00 on the customer's own clock; agents see
it, record how it went, and supervisors see plans done and missed."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from helpdesk.errors import Conflict
from insights.models import CallbackPlan, CallbackTask, Segment
from insights.selectors import callback_plan_report, callbacks_open_count
from insights.services.callbacks import callback_record_outcome
from insights.services.profiles import profiles_refresh
from insights.services.segments import segment_save
from tests.factories import CategoryFactory, CustomerFactory
from tickets.models import Channel, Status
from tickets.services import ticket_create, ticket_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock_start():
    # Friday 6 March 2026, 20:00 UTC: 15:00 in New York (EST), already Saturday 05:00 in Tokyo.
    return datetime(2026, 3, 6, 20, 0, tzinfo=UTC)


@pytest.fixture
def plan(clock, actors, teams):
    every_customer = segment_save(segment=Segment(name="Everyone", slug="everyone", rule=[]))
    return CallbackPlan.objects.create(
        segment=every_customer, name="Call after a complaint", delay_days=3, local_time=time(10, 0)
    )


def solved_complaint(customer, actors):
    complaint = CategoryFactory(slug="billing", name="Billing", kind="complaint")
    ticket = ticket_create(
        customer=customer,
        subject="Charged twice",
        body="!",
        channel=Channel.WEB,
        category=complaint,
        team=actors.l1.agent_profile.team,
    )
    profiles_refresh(customer_ids=[customer.pk])
    from insights.services.segments import segment_memberships_refresh

    segment_memberships_refresh(customer_ids=[customer.pk])
    ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    return ticket


def test_the_call_is_due_at_ten_on_the_customers_clock_in_two_zones(plan, actors):
    new_york = CustomerFactory(name="Nora", email="nora@example.com", time_zone="America/New_York", country="US")
    tokyo = CustomerFactory(name="Taro", email="taro@example.com", time_zone="Asia/Tokyo", country="JP")

    ny_ticket = solved_complaint(new_york, actors)
    tokyo_ticket = solved_complaint(tokyo, actors)

    # New York: Friday + 3 days = Monday 9 March, 10:00 EDT (clocks went forward on the 8th) = 14:00 UTC.
    assert CallbackTask.objects.get(ticket=ny_ticket).due_at == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    # Tokyo: Saturday + 3 days = Tuesday 10 March, 10:00 JST = 01:00 UTC.
    assert CallbackTask.objects.get(ticket=tokyo_ticket).due_at == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


def test_an_inquiry_gets_no_call_and_solving_twice_plans_one(plan, actors, clock):
    inquiry = CategoryFactory(slug="question", name="Question", kind="inquiry")
    customer = CustomerFactory(time_zone="Europe/Berlin")
    asked = ticket_create(customer=customer, subject="Size?", body="?", channel=Channel.WEB, category=inquiry)
    ticket_set_status(ticket=asked, status=Status.SOLVED, actor=actors.l1)
    complained = solved_complaint(customer, actors)
    ticket_set_status(ticket=complained, status=Status.OPEN, actor=actors.l1)
    ticket_set_status(ticket=complained, status=Status.SOLVED, actor=actors.l1)

    assert list(CallbackTask.objects.values_list("ticket_id", flat=True)) == [complained.pk]


def test_the_agent_records_a_follow_up_ticket_and_the_task_is_done(plan, actors, clock, client):
    customer = CustomerFactory(name="Nora", time_zone="America/New_York")
    ticket = solved_complaint(customer, actors)
    task = CallbackTask.objects.get(ticket=ticket)
    clock.move_to(datetime(2026, 3, 9, 14, 5, tzinfo=UTC))
    client.force_login(actors.l2)
    assert callbacks_open_count(actors.l2) == 1
    assert "Nora" in client.get("/insights/callbacks/").content.decode()

    response = client.post(
        f"/insights/callbacks/{task.pk}/",
        {"outcome": "follow_up", "note": "The refund has not arrived.", "follow_up_subject": "Refund missing"},
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.outcome == "follow_up"
    assert task.done_by == actors.l2
    assert task.follow_up.subject == "Refund missing"
    assert task.follow_up.follow_up_of == ticket
    assert callbacks_open_count(actors.l2) == 0
    with pytest.raises(Conflict):
        callback_record_outcome(task=task, actor=actors.l2, outcome="reached")


def test_an_agent_of_another_team_does_not_see_the_callback(plan, actors, client):
    ticket = solved_complaint(CustomerFactory(), actors)
    task = CallbackTask.objects.get(ticket=ticket)
    client.force_login(actors.other_team_agent)

    assert client.get(f"/insights/callbacks/{task.pk}/").status_code == 404


def test_the_report_counts_plans_done_and_missed(plan, actors, clock, client):
    reached = CallbackTask.objects.get(ticket=solved_complaint(CustomerFactory(time_zone="UTC"), actors))
    CallbackTask.objects.get(ticket=solved_complaint(CustomerFactory(time_zone="UTC"), actors))  # left undone
    # Monday 9 March 10:00 UTC both are due; a day and more later the undone one is missed.
    clock.move_to(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    callback_record_outcome(task=reached, actor=actors.l1, outcome="reached")

    [row] = callback_plan_report(
        actors.supervisor, first=datetime(2026, 3, 1, tzinfo=UTC), last=datetime(2026, 3, 31, tzinfo=UTC)
    )

    assert (row["due"], row["done"], row["reached"], row["missed"], row["waiting"]) == (2, 1, 1, 1, 0)
    client.force_login(actors.supervisor)
    page = client.get("/insights/callbacks/").content.decode()
    assert "Call after a complaint" in page
    assert "missed" in page
