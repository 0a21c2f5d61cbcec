"""Bulk actions on the queue: each ticket through its own service, refusals named per ticket, "all
matching" capped and confirmed, undo of the last one, and a fixed query cost per ticket."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from helpdesk.errors import NotFound, ServiceError
from tests.factories import CategoryFactory, CustomerFactory, TicketFactory
from tickets import services
from tickets.models import (
    BulkAction,
    BulkKind,
    CategoryKind,
    Macro,
    MessageKind,
    Metric,
    Priority,
    SlaClock,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)
from tickets.services.bulk import BATCH_SIZE, bulk_apply
from tickets.services.bulk_undo import bulk_undo

pytestmark = pytest.mark.django_db

BULK = reverse("tickets:bulk")


def europe_tickets(teams, n: int, **fields) -> list[Ticket]:
    return [TicketFactory(team=teams.europe, customer=CustomerFactory(language="de"), **fields) for _ in range(n)]


def post_bulk(client, tickets, kind, value, **extra):
    typed = kind in ("tag_add", "tag_remove", "merge")
    data = {
        "action": f"{kind}:" if typed else f"{kind}:{value}",
        "text": value if typed else "",
        "ticket": [t.pk for t in tickets],
        "scope": "selected",
        **extra,
    }
    return client.post(BULK, data, follow=True)


def refused(response) -> dict[str, str]:
    rows = re.findall(r'<tr data-refused="(HD-\d+)"><td class="ref">HD-\d+</td><td>(.*?)</td></tr>', response.text)
    return dict(rows)


def changed_count(response) -> int:
    return int(re.search(r'data-changed="(\d+)"', response.text).group(1))


# --- Each action ------------------------------------------------------------------------------


def test_the_queue_offers_a_checkbox_per_row_and_select_all(client, actors, teams):
    tickets = europe_tickets(teams, 3)
    client.force_login(actors.l1)
    page = client.get(reverse("tickets:queue"), {"view": "team"}).content.decode()
    assert "data-bulk-all" in page
    for ticket in tickets:
        assert f'name="ticket" value="{ticket.pk}" form="bulk-form"' in page


@pytest.mark.parametrize("value", ["me", "nobody", "other"])
def test_assign_in_bulk_to_me_nobody_or_an_agent_of_the_team(client, actors, teams, value):
    tickets = europe_tickets(teams, 3, assignee=actors.l3)
    client.force_login(actors.l1)
    chosen = {"me": actors.l1, "nobody": None, "other": actors.l2}[value]
    response = post_bulk(client, tickets, "assign", str(actors.l2.pk) if value == "other" else value)
    assert changed_count(response) == 3
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.assignee == chosen
        assert TicketEvent.objects.filter(ticket=ticket, kind="assignee", actor=actors.l1).count() == 1


def test_status_priority_category_and_team_in_bulk_each_with_its_event(actors, teams, categories):
    tickets = europe_tickets(teams, 2, status=Status.OPEN, assignee=actors.l1)
    bulk_apply(actor=actors.l1, ticket_ids=[t.pk for t in tickets], kind="status", value="pending")
    bulk_apply(actor=actors.l1, ticket_ids=[t.pk for t in tickets], kind="priority", value=str(Priority.URGENT))
    bulk_apply(actor=actors.l1, ticket_ids=[t.pk for t in tickets], kind="category", value=str(categories.other.pk))
    outcome = bulk_apply(actor=actors.l1, ticket_ids=[t.pk for t in tickets], kind="team", value=str(teams.asia.pk))
    assert len(outcome.changed) == 2
    for ticket in tickets:
        ticket.refresh_from_db()
        assert (ticket.status, ticket.priority, ticket.category, ticket.team) == (
            Status.PENDING,
            Priority.URGENT,
            categories.other,
            teams.asia,
        )
        assert ticket.assignee is None  # l1 is not in Asia: the ticket is let go
        kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
        assert kinds >= {"status", "priority", "category", "team", "assignee"}


def test_tags_are_added_and_removed_in_bulk(actors, teams):
    tickets = europe_tickets(teams, 3)
    bulk_apply(actor=actors.l1, ticket_ids=[t.pk for t in tickets], kind="tag_add", value="Fragile")
    assert Ticket.objects.filter(ticket_tags__tag__name="Fragile").count() == 3
    outcome = bulk_apply(actor=actors.l1, ticket_ids=[tickets[0].pk], kind="tag_remove", value="fragile")
    assert outcome.changed == [tickets[0].reference]
    assert Ticket.objects.filter(ticket_tags__tag__name="Fragile").count() == 2


def test_merge_in_bulk_moves_the_others_into_the_oldest_and_cannot_be_undone(client, actors, teams):
    customer = CustomerFactory()
    tickets = [TicketFactory(team=teams.europe, customer=customer, status=Status.OPEN) for _ in range(3)]
    client.force_login(actors.l1)
    response = post_bulk(client, tickets, "merge", "")
    assert changed_count(response) == 2
    assert "A merge cannot be undone." in response.text
    assert ">Undo<" not in response.text
    for ticket in tickets[1:]:
        ticket.refresh_from_db()
        assert (ticket.merged_into, ticket.status) == (tickets[0], Status.CLOSED)


# --- Refusals ---------------------------------------------------------------------------------


def test_refusals_are_listed_per_ticket_with_the_reason_and_the_others_change(client, actors, teams, categories):
    fine = TicketFactory(team=teams.europe, status=Status.OPEN)
    other_team = TicketFactory(team=teams.america, status=Status.OPEN)
    closed = TicketFactory(team=teams.europe, status=Status.CLOSED)
    needs_facts = TicketFactory(team=teams.europe, status=Status.OPEN, category=categories.logistics)
    client.force_login(actors.l1)

    response = post_bulk(client, [fine, other_team, closed, needs_facts], "status", "solved")

    assert changed_count(response) == 1
    reasons = refused(response)
    assert reasons[other_team.reference] == "Ticket not found."
    assert "closed ticket cannot change" in reasons[closed.reference]
    assert "Tracking number" in reasons[needs_facts.reference]
    assert Ticket.objects.get(pk=fine.pk).status == Status.SOLVED
    assert Ticket.objects.get(pk=other_team.pk).status == Status.OPEN
    assert Ticket.objects.get(pk=needs_facts.pk).status == Status.OPEN


def test_a_bad_value_or_no_selection_refuses_the_whole_action(client, actors, teams):
    tickets = europe_tickets(teams, 2)
    client.force_login(actors.l1)
    response = post_bulk(client, tickets, "status", "new")
    assert response.status_code == 422 and "Choose a status." in response.text
    response = post_bulk(client, [], "priority", "3")
    assert response.status_code == 422 and "Select at least one ticket." in response.text
    assert not BulkAction.objects.exists()


# --- All matching -----------------------------------------------------------------------------


def test_all_matching_asks_to_confirm_the_number_then_stops_at_the_cap(client, actors, teams, settings):
    settings.BULK_MAX_TICKETS = 5
    europe_tickets(teams, 7, status=Status.OPEN)
    TicketFactory(team=teams.america, status=Status.OPEN)  # not in the agent's queue
    client.force_login(actors.l1)
    data = {"action": f"priority:{Priority.HIGH}", "scope": "all", "query": "view=team"}

    confirm = client.post(BULK, data)
    assert confirm.status_code == 200
    assert 'data-count="5"' in confirm.text and "first 5 tickets" in confirm.text
    assert not Ticket.objects.filter(priority=Priority.HIGH).exists()  # nothing yet

    done = client.post(BULK, {**data, "confirmed": "1"}, follow=True)
    assert changed_count(done) == 5
    assert Ticket.objects.filter(priority=Priority.HIGH).count() == 5
    assert not Ticket.objects.filter(team=teams.america, priority=Priority.HIGH).exists()


def test_all_matching_says_a_bad_choice_before_asking_to_confirm(client, actors, teams):
    europe_tickets(teams, 2, status=Status.OPEN)
    client.force_login(actors.l1)
    response = client.post(BULK, {"action": "macro:999", "scope": "all", "query": "view=team"})
    assert response.status_code == 422 and "Choose a macro." in response.text


def test_all_matching_follows_the_filters(client, actors, teams):
    europe_tickets(teams, 2, status=Status.OPEN, priority=Priority.LOW)
    europe_tickets(teams, 3, status=Status.OPEN, priority=Priority.NORMAL)
    client.force_login(actors.l1)
    data = {"action": "status:pending", "scope": "all", "query": f"view=team&priority={Priority.LOW}"}
    assert 'data-count="2"' in client.post(BULK, data).text
    client.post(BULK, {**data, "confirmed": "1"})
    assert Ticket.objects.filter(status=Status.PENDING).count() == 2


# --- Undo -------------------------------------------------------------------------------------


def test_undo_puts_the_previous_values_back_through_the_services(client, actors, teams):
    tickets = europe_tickets(teams, 3, status=Status.OPEN, priority=Priority.LOW)
    tickets[0].priority = Priority.HIGH
    tickets[0].save()
    client.force_login(actors.l1)
    summary = post_bulk(client, tickets, "priority", str(Priority.URGENT))
    assert ">Undo<" in summary.text
    action = BulkAction.objects.get()

    undone = client.post(reverse("tickets:bulk_undo", args=[action.pk]))

    assert 'data-restored="3"' in undone.text
    assert [Ticket.objects.get(pk=t.pk).priority for t in tickets] == [Priority.HIGH, Priority.LOW, Priority.LOW]
    assert TicketEvent.objects.filter(ticket=tickets[1], kind="priority").count() == 2
    again = client.post(reverse("tickets:bulk_undo", args=[action.pk]))
    assert again.status_code == 422 and "already undone" in again.text


def test_undo_leaves_a_ticket_changed_since_by_someone_else_and_says_why(actors, teams):
    tickets = europe_tickets(teams, 2, status=Status.OPEN)
    outcome = bulk_apply(actor=actors.l1, ticket_ids=[t.pk for t in tickets], kind="status", value="pending")
    services.ticket_set_status(ticket=Ticket.objects.get(pk=tickets[0].pk), status="solved", actor=actors.l2)

    undo = bulk_undo(action_id=outcome.action.pk, actor=actors.l1)

    assert undo.changed == [tickets[1].reference]
    assert undo.refused[0][0] == tickets[0].reference
    assert "Changed since by someone else" in undo.refused[0][1] and "Solved" in undo.refused[0][1]
    assert Ticket.objects.get(pk=tickets[0].pk).status == Status.SOLVED
    assert Ticket.objects.get(pk=tickets[1].pk).status == Status.OPEN


def test_undo_of_new_tickets_makes_them_new_again(actors, teams):
    tickets = europe_tickets(teams, 2)
    outcome = bulk_apply(actor=actors.l1, ticket_ids=[t.pk for t in tickets], kind="status", value="pending")
    bulk_undo(action_id=outcome.action.pk, actor=actors.l1)
    assert set(Ticket.objects.values_list("status", flat=True)) == {Status.NEW}


def test_undo_only_of_the_last_action_and_within_the_window(actors, teams, clock, settings):
    settings.BULK_UNDO_MINUTES = 10
    tickets = europe_tickets(teams, 2, status=Status.OPEN)
    ids = [t.pk for t in tickets]
    first = bulk_apply(actor=actors.l1, ticket_ids=ids, kind="priority", value=str(Priority.HIGH)).action
    clock.shift(timedelta(minutes=1))
    second = bulk_apply(actor=actors.l1, ticket_ids=ids, kind="tag_add", value="late").action
    with pytest.raises(ServiceError, match="last"):
        bulk_undo(action_id=first.pk, actor=actors.l1)
    with pytest.raises(NotFound):
        bulk_undo(action_id=second.pk, actor=actors.l2)  # someone else's
    clock.shift(timedelta(minutes=11))
    with pytest.raises(ServiceError, match="10 minutes"):
        bulk_undo(action_id=second.pk, actor=actors.l1)
    assert Tag.objects.get(name="late").ticket_tags.count() == 2


# --- Macros in bulk ---------------------------------------------------------------------------


def test_a_macro_in_bulk_replies_to_each_customer_in_their_language_and_undo_keeps_the_reply(actors, teams):
    macro = Macro.objects.create(
        name="Waiting on you",
        reply_en="Hello {customer_name}",
        reply_de="Hallo {customer_name}",
        reply_fr="Bonjour {customer_name}",
        status=Status.PENDING,
        priority=Priority.LOW,
    )
    macro.tags.add(Tag.objects.create(name="asked"))
    de = TicketFactory(team=teams.europe, customer=CustomerFactory(name="Jan", language="de"), language="de")
    fr = TicketFactory(team=teams.europe, customer=CustomerFactory(name="Léa", language="fr"), language="fr")

    outcome = bulk_apply(actor=actors.l1, ticket_ids=[de.pk, fr.pk], kind="macro", value=str(macro.pk))

    assert len(outcome.changed) == 2
    assert de.messages.get(kind=MessageKind.REPLY).body == "Hallo Jan"
    assert fr.messages.get(kind=MessageKind.REPLY).body == "Bonjour Léa"
    assert Ticket.objects.get(pk=de.pk).status == Status.PENDING

    undo = bulk_undo(action_id=outcome.action.pk, actor=actors.l1)
    assert len(undo.changed) == 2
    for ticket in (de, fr):
        ticket.refresh_from_db()
        assert (ticket.status, ticket.priority) == (Status.OPEN, Priority.NORMAL)  # answered: open, not new
        assert not ticket.ticket_tags.exists()
        assert ticket.messages.filter(kind=MessageKind.REPLY).count() == 1  # a sent reply stays sent


def test_a_macro_the_agent_may_not_use_refuses_the_action(actors, teams):
    macro = Macro.objects.create(name="America only", team=teams.america, priority=Priority.LOW)
    tickets = europe_tickets(teams, 1)
    with pytest.raises(ServiceError, match="Choose a macro"):
        bulk_apply(actor=actors.l1, ticket_ids=[tickets[0].pk], kind=BulkKind.MACRO, value=str(macro.pk))


# --- Cost -------------------------------------------------------------------------------------


def _queries(callback) -> int:
    """How many statements the callback sends (CaptureQueriesContext keeps only the last 9,000)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        callback()
    return count


# Statements per batch, whatever its size: the locking read, the read of the values after (with a
# prefetch of tags for tags); the batch form's savepoint, its checks' reads, one UPDATE (one per old
# status for a status), one INSERT of events, the SLA clocks read, written and the tickets' deadlines
# written, and the live pages' teams read, stream numbers and event rows. Nothing per ticket.
PER_BATCH = {"assign": 9, "status": 14, "priority": 15, "category": 15, "team": 16, "tag_add": 13}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("priority", str(Priority.HIGH)),
        ("assign", "me"),
        ("status", "pending"),
        ("category", ""),
        ("team", ""),
        ("tag_add", "x"),
    ],
)
def test_1000_tickets_cost_a_fixed_number_of_queries_per_batch(actors, teams, kind, value):
    customer, now = CustomerFactory(), timezone.now()
    if kind == "category":
        value = str(CategoryFactory(kind=CategoryKind.COMPLAINT).pk)
    if kind == "team":  # a move lets go of an assignee outside the new team: those run in batches too
        value = str(teams.asia.pk)
    assignee = actors.l1 if kind == "team" else None
    rows = Ticket.objects.bulk_create(
        [
            Ticket(
                subject=f"t{i}",
                customer=customer,
                team=teams.europe,
                assignee=assignee,
                status=Status.OPEN,
                last_activity_at=now,
            )
            for i in range(1010)
        ]
    )
    SlaClock.objects.bulk_create(
        SlaClock(ticket=t, metric=metric, target_minutes=60, started_at=now, due_at=now + timedelta(hours=1))
        for t in rows
        for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION)
    )
    ids = [t.pk for t in rows]
    small = _queries(lambda: bulk_apply(actor=actors.l1, ticket_ids=ids[:10], kind=kind, value=value))
    large = _queries(lambda: bulk_apply(actor=actors.l1, ticket_ids=ids[10:], kind=kind, value=value))

    # one batch, the action's row, its savepoint, a tag created the first time
    assert small <= PER_BATCH[kind] + 8
    extra_batches = 1000 // BATCH_SIZE - 1
    assert large - small <= extra_batches * PER_BATCH[kind]
    assert len(BulkAction.objects.order_by("pk").last().changes) == 1000
    if kind == "team":
        assert not Ticket.objects.filter(pk__in=ids).exclude(team=teams.asia, assignee=None).exists()
    if kind in ("priority", "category", "status"):  # the clocks moved with the tickets, in the same batches
        clocks = SlaClock.objects.filter(ticket_id__in=ids, metric=Metric.RESOLUTION)
        if kind == "status":
            assert clocks.filter(paused_at__isnull=False).count() == 1010
        else:
            assert clocks.exclude(target_minutes=60).count() == 1010


def test_a_bulk_action_is_seen_and_undone_only_by_the_agent_who_took_it(client, actors, teams):
    tickets = europe_tickets(teams, 2, status=Status.OPEN)
    action = bulk_apply(actor=actors.l1, ticket_ids=[t.pk for t in tickets], kind="priority", value="3").action
    client.force_login(actors.l2)
    assert client.get(reverse("tickets:bulk_summary", args=[action.pk])).status_code == 404
    response = client.post(reverse("tickets:bulk_undo", args=[action.pk]))
    assert response.status_code == 422 and "Bulk action not found." in response.text
    assert set(Ticket.objects.values_list("priority", flat=True)) == {3}


def test_an_agent_cannot_assign_to_someone_outside_the_tickets_team(actors, teams):
    tickets = europe_tickets(teams, 2)
    outcome = bulk_apply(
        actor=actors.l1, ticket_ids=[t.pk for t in tickets], kind="assign", value=str(actors.other_team_agent.pk)
    )
    assert [reason for _ref, reason in outcome.refused] == ["The agent is not in the ticket's team."] * 2
    assert not Ticket.objects.filter(assignee__isnull=False).exists()


def test_undo_of_a_tag_and_of_a_team_move(actors, teams):
    tickets = europe_tickets(teams, 2, assignee=actors.l1)
    ids = [t.pk for t in tickets]
    tagged = bulk_apply(actor=actors.l1, ticket_ids=ids, kind="tag_add", value="urgent-check").action
    assert len(bulk_undo(action_id=tagged.pk, actor=actors.l1).changed) == 2
    assert not Tag.objects.get(name="urgent-check").ticket_tags.exists()

    moved = bulk_apply(actor=actors.supervisor, ticket_ids=ids, kind="team", value=str(teams.asia.pk)).action
    assert set(Ticket.objects.values_list("team", "assignee")) == {(teams.asia.pk, None)}
    # the supervisor no longer sees the tickets: the move back is refused, and says why
    undo = bulk_undo(action_id=moved.pk, actor=actors.supervisor)
    assert [reason for _ref, reason in undo.refused] == ["Ticket not found."] * 2
    assert set(Ticket.objects.values_list("team", flat=True)) == {teams.asia.pk}

    again = bulk_apply(actor=actors.admin, ticket_ids=ids, kind="team", value=str(teams.america.pk)).action
    assert len(bulk_undo(action_id=again.pk, actor=actors.admin).changed) == 2  # an admin sees every team
    assert set(Ticket.objects.values_list("team", flat=True)) == {teams.asia.pk}
