"""EXPLAIN guards: the queries that run on every queue page and every sweep read indexes, on a table
of a few thousand tickets where most are closed. `enable_seqscan = off` and `enable_sort = off` ask
the real question (is there an index that serves this query, in this order?) instead of the
planner's answer for a small table, where scanning or sorting a few hundred rows is cheapest: no
sequential scan of tickets or clocks, and no sort between the index and the LIMIT."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets import selectors

pytestmark = pytest.mark.django_db

TICKETS = 4000
OPEN_EVERY = 20  # 5 % open, as in bench/datagen.py


@pytest.fixture
def many_tickets(actors, teams, categories) -> None:
    """A few thousand tickets of the actors' customer and teams, inserted in one statement each."""
    now = timezone.now()
    team_ids = [teams.europe.pk, teams.america.pk, teams.asia.pk]
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO tickets_ticket (subject, priority, status, channel, language, facts, created_at, updated_at,
                last_activity_at, search_text, customer_id, team_id, sla_state, category_id, sla_due_at, assignee_id)
            SELECT 'Ticket ' || n, 2, CASE WHEN n %% %(every)s = 0 THEN 'open' ELSE 'closed' END, 'web', 'en', '{}',
                %(now)s - n * interval '1 minute', %(now)s, %(now)s - n * interval '1 minute', 'ticket', %(customer)s,
                (%(teams)s::bigint[])[1 + n %% 3], 'ok', %(category)s,
                CASE WHEN n %% %(every)s = 0 THEN %(now)s + n * interval '1 minute' END,
                CASE WHEN n %% 2 = 0 THEN %(agent)s END
            FROM generate_series(1, %(count)s) AS n
            """,
            {
                "every": OPEN_EVERY,
                "now": now,
                "customer": actors.customer.pk,
                "teams": team_ids,
                "category": categories.other.pk,
                "agent": actors.l1.pk,
                "count": TICKETS,
            },
        )
        cur.execute(
            """
            INSERT INTO tickets_slaclock
                (ticket_id, metric, target_minutes, started_at, paused_seconds, warn_at, due_at, met_at)
            SELECT t.id, m.metric, 10, t.created_at, 0, t.created_at + interval '8 minutes',
                t.created_at + interval '10 minutes', CASE WHEN t.status = 'closed' THEN t.created_at END
            FROM tickets_ticket t CROSS JOIN (VALUES ('first_response'), ('resolution')) AS m(metric)
            """
        )
        cur.execute("ANALYZE tickets_ticket")
        cur.execute("ANALYZE tickets_slaclock")
        cur.execute("ANALYZE tickets_outboundemail")


def plans_of(
    action: Callable[[], Any], table: str, kinds: tuple[str, ...] = ("SELECT", "UPDATE")
) -> list[tuple[str, str]]:
    """(SQL, plan) of every query `action` runs that reads `table`, planned with seq scans off."""
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        action()
        transaction.set_rollback(True)
    queries = [q["sql"] for q in captured.captured_queries if f'"{table}"' in q["sql"] and q["sql"].startswith(kinds)]
    assert queries, f"no query read {table}"
    plans = []
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_sort = off")  # a sort remains only where no index gives the order
        for sql in queries:
            cur.execute("EXPLAIN " + sql)
            plans.append((sql, "\n".join(row[0] for row in cur.fetchall())))
    return plans


def assert_indexed(plans: list[tuple[str, str]], table: str, *, limited_without_sort: bool = True) -> None:
    for sql, plan in plans:
        assert f"Seq Scan on {table}" not in plan, f"{sql}\n{plan}"
        if limited_without_sort and " LIMIT " in sql and "ORDER BY" in sql and "count(" not in sql.lower():
            assert "Sort" not in plan, f"a sort before the limit:\n{sql}\n{plan}"


def test_the_queue_reads_the_open_tickets_index_in_order(actors, many_tickets):
    view = selectors.default_queue_view(actors.l1)
    plans = plans_of(lambda: selectors.queue_tickets(actors.l1, view, selectors.QueueFilters()), "tickets_ticket")
    assert_indexed(plans, "tickets_ticket")
    assert any("tkt_open" in plan for _sql, plan in plans), plans


def test_the_queue_sorted_by_time_left_reads_the_due_index(actors, many_tickets):
    page = lambda: selectors.queue_tickets(actors.l1, "team", selectors.QueueFilters(), sort="due")  # noqa: E731
    plans = plans_of(page, "tickets_ticket")
    assert_indexed(plans, "tickets_ticket")


def test_the_sla_sweep_claims_due_clocks_through_an_index(many_tickets):
    from tickets.services import sla_sweep

    plans = plans_of(lambda: sla_sweep(now=timezone.now() - timedelta(days=400)), "tickets_slaclock")
    assert len(plans) == 2  # the warnings, then the breaches
    assert_indexed(plans, "tickets_slaclock")


def test_the_email_sweep_finds_due_and_interrupted_emails_through_indexes(many_tickets):
    from tickets.services import emails_send_due

    plans = plans_of(emails_send_due, "tickets_outboundemail")
    assert len(plans) == 3  # the two recoveries of interrupted sends, then the due emails
    assert_indexed(plans, "tickets_outboundemail")
    assert all("outbound_" in plan for _sql, plan in plans), plans


def test_follow_ups_merged_tickets_and_an_orders_tickets_are_found_through_partial_indexes(many_tickets):
    """The three foreign keys most tickets leave empty are indexed where set: following them from the
    other side, and deleting what they point to (SET NULL), reads those indexes."""
    from tickets.models import Order, Ticket

    ticket = Ticket.objects.first()
    order = Order.objects.create(
        customer=ticket.customer, external_number="A-1", currency="EUR", total=10, placed_at=timezone.now()
    )

    def follow() -> None:
        list(ticket.follow_ups.all())
        list(ticket.merged_tickets.all())
        list(order.tickets.all())
        order.delete()  # the order's tickets lose it: an UPDATE that finds them through tkt_order

    plans = plans_of(follow, "tickets_ticket")
    assert_indexed(plans, "tickets_ticket")
    for index in ("tkt_follow_up_of", "tkt_merged_into", "tkt_order"):
        assert any(index in plan for _sql, plan in plans), (index, plans)


def test_a_repeated_webhook_is_recognised_through_the_unique_index(db):
    """De-duplication is the INSERT's conflict check on (sender, dedup_key), among many stored deliveries."""
    from logistics.services.intake import _store, parse_body
    from tests.logistics.helpers import SAMPLES

    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO logistics_webhookdelivery (sender, dedup_key, body, signature_key, event_type,
                tracking_number, carrier_code, state, attempts, error, received_at)
            SELECT 'aftership', 'key-' || n, ''::bytea, 0, '', 'T' || n, '', 'processed', 0, '', now()
            FROM generate_series(1, %s) AS n
            """,
            [TICKETS],
        )
        cur.execute("ANALYZE logistics_webhookdelivery")
    body = (SAMPLES / "aftership_in_transit.json").read_bytes()
    update = parse_body("aftership", body)

    store = lambda: _store(sender="aftership", update=update, body=body, key_index=0)  # noqa: E731
    plans = plans_of(store, "logistics_webhookdelivery", kinds=("INSERT",))

    [(_sql, plan)] = plans
    assert "Conflict Arbiter Indexes: webhook_delivery_unique" in plan, plan


def test_an_agents_customers_and_orders_are_found_through_the_tickets_indexes(actors, many_tickets):
    """The API's customers and orders follow their tickets: one EXISTS per row, answered by the
    ticket table's index on the customer (or the order), never by scanning the tickets."""
    from rest_framework.test import APIClient

    from tickets.models import Order

    orders = Order.objects.bulk_create(
        Order(customer=actors.customer, external_number=f"A-{n}", currency="EUR", total=10, placed_at=timezone.now())
        for n in range(200)
    )
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE tickets_ticket SET order_id = (%s::bigint[])[1 + id %% 200] WHERE id %% 3 = 0",
            [[order.pk for order in orders]],
        )
        cur.execute("ANALYZE tickets_ticket")
        cur.execute("ANALYZE tickets_order")
        cur.execute("ANALYZE tickets_customer")
    api = APIClient()
    api.force_authenticate(actors.l1)
    # An order one of the agent's tickets names (which one depends on the tickets' ids).
    from tickets.models import Ticket
    from tickets.scope import ticket_scope_q

    scope = ticket_scope_q(actors.l1)
    seen = Ticket.objects.filter(order__in=orders).filter(*([scope] if scope is not None else []))
    order_id = seen.values_list("order_id", flat=True).first()
    assert order_id is not None

    def pages() -> None:
        for url in ("/api/v1/customers/", "/api/v1/orders/", f"/api/v1/orders/{order_id}/"):
            assert api.get(url).status_code == 200, url

    plans = plans_of(pages, "tickets_ticket")
    assert len(plans) == 3
    assert_indexed(plans, "tickets_ticket")
    assert all("Index" in plan for _sql, plan in plans), plans


def test_a_live_page_reads_its_missed_events_and_the_beat_prunes_them_through_indexes(db):
    from workspace.live.streams import events_after, live_events_prune, publish_many, start_for_page
    from workspace.models import LiveEvent

    before = LiveEvent.objects.count()  # a test before may have left events committed from a thread of its own
    publish_many((f"ticket:{n % 50}", "event", {}) for n in range(2000))
    plans = plans_of(lambda: events_after("ticket:7", 10, limit=201), "workspace_liveevent")
    plans += plans_of(lambda: start_for_page("ticket:7", timezone.now(), cap=200), "workspace_liveevent")
    assert_indexed(plans, "workspace_liveevent")
    pruned = plans_of(lambda: live_events_prune(older_than_hours=1), "workspace_liveevent", kinds=("SELECT", "DELETE"))
    assert_indexed(pruned, "workspace_liveevent", limited_without_sort=False)
    assert LiveEvent.objects.count() == before + 2000  # rolled back: the plans were only looked at


def test_the_sidebars_view_counts_read_open_ticket_indexes(actors, many_tickets, categories):
    """Every view's count (the built-in ones and saved views with filters) is a LIMITed subquery over
    an open-tickets partial index, in one statement: never a scan of the ticket table."""
    from helpdesk.kept_sql import run
    from tickets.services.saved_views import ViewSpec, saved_view_create
    from tickets.sidebar import queue_sidebar

    saved_view_create(owner=actors.l1, name="High", spec=ViewSpec(base="team", filters={"priority": "3"}))
    saved_view_create(owner=actors.l1, name="Web", spec=ViewSpec(base="unassigned", filters={"channel": "web"}))

    def sidebar() -> None:
        shown = queue_sidebar(
            actors.l1,
            labels={"mine": "Mine", "unassigned": "Unassigned", "team": "My team", "all": "All"},
            current_view="team",
            current_saved="",
            categories=[],
            agents=[],
            can_edit=lambda _user, _view: False,
        )
        shown.take_counts(run(shown.counts))  # the queue page reads them with its own page

    plans = plans_of(sidebar, "tickets_ticket")
    [(sql, plan)] = [(sql, plan) for sql, plan in plans if "capped_" in sql]
    assert sql.count("LIMIT 1001") == 5
    assert_indexed(plans, "tickets_ticket")
    indexes = re.findall(r"Index (?:Only )?Scan using (\w+) on tickets_ticket|Bitmap Index Scan on (\w+)", plan)
    assert len(indexes) == 5, plan
    # each through a partial index of open tickets (tkt_open_*, or the reports' one over all of them)
    assert all("open" in (scan or bitmap) for scan, bitmap in indexes), plan
