"""The reports dashboard on a million tickets: summary refresh time, then the page's median time
over several requests (Django's test Client: middleware, queries, template), and a year's CSV.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench .venv/bin/python bench/reports.py

Run bench/datagen.py first (tickets, clocks, messages). This adds, once (again with --reseed), what
datagen leaves out, in realistic proportions and with plain SQL: an order and compensation on 4 % of
tickets (5 % of them still waiting near the end, 10 % rejected, the larger ones decided by a
supervisor), a satisfaction survey on 30 % of solved tickets (40 % answered), and a logistics
exception on a quarter of the orders. The clock is set to datagen's "now" so the default period
(the last 30 days) is full.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helpdesk_bench")
# Production-like request handling: no DEBUG query log, no two-factor step for the signed-in users.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("TESTING", "1")  # plain static files storage, no collectstatic needed
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("TWO_FACTOR_REQUIRED", "0")

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # bench/datagen.py's "now"

SEED_SQL = [
    # An order for 1 ticket in 25 that someone works on, in one of four currencies.
    """
    INSERT INTO tickets_order (customer_id, platform, external_number, currency, total, ship_to_country, placed_at)
    SELECT t.customer_id, 'bench', 'BENCH-' || t.id, (ARRAY['EUR', 'USD', 'GBP', 'JPY'])[1 + t.id %% 4],
           (20 + t.id %% 480) * (ARRAY[0.92, 1, 0.79, 150])[1 + t.id %% 4], c.country, t.created_at - interval '5 days'
    FROM tickets_ticket t JOIN tickets_customer c ON c.id = t.customer_id
    WHERE t.id %% 25 = 0 AND t.assignee_id IS NOT NULL
    """,
    """
    UPDATE tickets_ticket t SET order_id = o.id FROM tickets_order o
    WHERE o.platform = 'bench' AND o.external_number = 'BENCH-' || t.id
    """,
    # Compensation on those tickets: up to USD 50 approved at once, more by a supervisor in 2-56 min.
    """
    INSERT INTO policies_compensationrequest (
        ticket_id, order_id, customer_id, requested_by_id, requester_tier, kind, reason, reason_detail, items,
        description, coupon_type, is_exchange, customer_pays_return_shipping, currency, amount, rate, rate_date,
        amount_usd, message_mode, message, state, waiting_reasons, created_at, decided_by_id, decided_at,
        decision_comment)
    SELECT t.id, o.id, t.customer_id, t.assignee_id, p.tier,
           (ARRAY['partial_refund', 'full_refund', 'coupon', 'reshipment', 'return_exchange', 'gift'])[1 + t.id %% 6],
           'late', 'bench', '', '', '', false, false, o.currency,
           (5 + t.id %% 120) * r.rate, r.rate, t.created_at::date, 5 + t.id %% 120, 'note', '',
           CASE WHEN t.created_at > %(now)s - interval '2 days' AND t.id %% 20 = 0 THEN 'pending'
                WHEN t.id %% 10 = 3 THEN 'rejected' ELSE 'approved' END,
           '[]'::jsonb, t.created_at + interval '30 minutes',
           CASE WHEN t.created_at > %(now)s - interval '2 days' AND t.id %% 20 = 0 THEN NULL
                WHEN 5 + t.id %% 120 <= 50 AND t.id %% 10 <> 3 THEN t.assignee_id ELSE s.user_id END,
           CASE WHEN t.created_at > %(now)s - interval '2 days' AND t.id %% 20 = 0 THEN NULL
                WHEN 5 + t.id %% 120 <= 50 AND t.id %% 10 <> 3 THEN t.created_at + interval '30 minutes'
                ELSE t.created_at + interval '30 minutes' + (2 + t.id %% 55) * interval '1 minute' END,
           ''
    FROM tickets_ticket t
    JOIN tickets_order o ON o.id = t.order_id AND o.platform = 'bench'
    JOIN tickets_agentprofile p ON p.user_id = t.assignee_id
    JOIN (VALUES ('EUR', 0.92), ('USD', 1), ('GBP', 0.79), ('JPY', 150)) AS r (currency, rate)
      ON r.currency = o.currency
    JOIN LATERAL (SELECT sp.user_id FROM tickets_agentprofile sp JOIN auth_user u ON u.id = sp.user_id
                  WHERE sp.team_id = t.team_id AND u.username LIKE '%%-supervisor' LIMIT 1) s ON true
    """,
    """
    INSERT INTO policies_decisionlog (request_id, decision, automatic, actor_id, comment, currency, amount, rate,
                                      rate_date, amount_usd, created_at)
    SELECT id, state, decided_by_id = requested_by_id, decided_by_id, '', currency, amount, rate, rate_date,
           amount_usd, decided_at
    FROM policies_compensationrequest WHERE state <> 'pending' AND reason_detail = 'bench'
    """,
    # A survey a day after the solve of 30 %% of solved tickets; 40 %% answered, mostly 4 and 5.
    """
    INSERT INTO feedback_surveyinvitation (ticket_id, solved_at, state, due_at, attempts, agent_id, team_id,
                                           category_id, language, country, sent_at, expires_at, created_at)
    SELECT t.id, t.solved_at, 'sent', t.solved_at + interval '1 day', 1, t.assignee_id, t.team_id, t.category_id,
           t.language, c.country, t.solved_at + interval '1 day', t.solved_at + interval '15 days', t.solved_at
    FROM tickets_ticket t JOIN tickets_customer c ON c.id = t.customer_id
    WHERE t.solved_at IS NOT NULL AND t.id %% 10 < 3 AND t.solved_at + interval '1 day' < %(now)s
    """,
    """
    INSERT INTO feedback_surveyresponse (invitation_id, ticket_id, rating, comment, agent_id, team_id, language,
                                         country, answers, created_at, updated_at)
    SELECT i.id, i.ticket_id, (ARRAY[5, 5, 4, 5, 3, 4, 5, 2, 4, 1])[1 + (i.ticket_id / 10) %% 10], '', i.agent_id,
           i.team_id, i.language, i.country, 1, i.sent_at + interval '3 hours', i.sent_at + interval '3 hours'
    FROM feedback_surveyinvitation i WHERE (i.ticket_id / 10) %% 5 < 2
    """,
]
CARRIERS = ["DHL", "UPS", "La Poste", "Royal Mail", "USPS", "Japan Post", "China Post", "FedEx"]


def seed(cursor: Any, reseed: bool) -> None:
    cursor.execute("SELECT count(*) FROM policies_compensationrequest WHERE reason_detail = 'bench'")
    if cursor.fetchone()[0] and not reseed:
        print("bench rows already there (use --reseed to make them again)")
        return
    started = time.perf_counter()
    cursor.execute(
        "TRUNCATE policies_decisionlog, policies_compensationgrant, policies_compensationrequest, "
        "feedback_surveyresponse, feedback_surveyinvitation, logistics_shipmentexception, logistics_shipment CASCADE"
    )
    cursor.execute("UPDATE tickets_ticket SET order_id = NULL WHERE order_id IS NOT NULL")
    cursor.execute("DELETE FROM tickets_order WHERE platform = 'bench'")
    for statement in SEED_SQL:
        cursor.execute(statement, {"now": NOW})  # (so every % in them is written %%)
    seed_exceptions()
    print(f"bench rows added in {time.perf_counter() - started:.1f}s")


def seed_exceptions() -> None:
    """Through the ORM: the logistics app's tables are young and may still change shape."""
    from django.db.models import F

    from logistics.models import Shipment, ShipmentException
    from tickets.models import Order

    rows = list(
        Order.objects.filter(platform="bench", tickets__isnull=False)
        .annotate(ticket_pk=F("tickets__id"), created=F("tickets__created_at"))
        .values_list("pk", "ship_to_country", "ticket_pk", "created")
    )
    rows = [row for row in rows if row[2] % 4 == 0]
    shipments = Shipment.objects.bulk_create(
        [Shipment(order_id=o, tracking_number=f"BENCH{t}", destination_country=c) for o, c, t, _ in rows],
        batch_size=5000,
    )
    ShipmentException.objects.bulk_create(
        [
            ShipmentException(
                shipment=shipment,
                kind=["customs_held", "stalled", "failed_attempt", "lost"][t % 4],
                carrier_name=CARRIERS[t % len(CARRIERS)],
                destination_country=c,
                detected_at=created + timedelta(days=2),
                resolved_at=None if t % 3 == 0 else created + timedelta(days=5),
                ticket_id=t,
            )
            for shipment, (_o, c, t, created) in zip(shipments, rows, strict=True)
        ],
        batch_size=5000,
    )


def timed_requests(client: Any, url: str, rounds: int) -> tuple[float, float, int]:
    from django.db import connection

    queries = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)  # warm-up, and the query count
    assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(timings), max(timings), len(queries)


def timed_export(client: Any, url: str) -> tuple[float, int, float]:
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, lines, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--no-export", action="store_true", help="skip the year's CSV export")
    args = parser.parse_args()

    import time_machine

    traveller = time_machine.travel(NOW, tick=True)
    traveller.start()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from reports.services import REFRESH_DAYS, summary_refresh

    override_settings(AXES_ENABLED=False).enable()  # signing in through force_login has no client address

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        seed(cursor, args.reseed)
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have: index-only scans need the visibility map
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        tickets = cursor.fetchone()[0]
        counts = [
            "(SELECT count(*) FROM policies_compensationrequest)",
            "(SELECT count(*) FROM feedback_surveyinvitation)",
            "(SELECT count(*) FROM feedback_surveyresponse)",
            "(SELECT count(*) FROM logistics_shipmentexception)",
        ]
        cursor.execute(f"SELECT {', '.join(counts)}")
        compensation, invitations, responses, exceptions = cursor.fetchone()
    print(f"tickets {tickets}, compensation {compensation}, surveys {invitations} ({responses} answered), "
          f"exceptions {exceptions}")  # fmt: skip

    full = summary_refresh(full=True)
    print(f"summary refresh, full rebuild: {full.duration_ms / 1000:.1f}s, {full.rows} rows")
    window = [summary_refresh(full=False).duration_ms for _ in range(3)]
    print(f"summary refresh, last {REFRESH_DAYS} days: median {statistics.median(window) / 1000:.1f}s")
    with connection.cursor() as cursor:
        # What autovacuum does after a refresh (migration 0004); it is off on some test servers.
        cursor.execute("VACUUM ANALYZE reports_dailyticketstats")

    users = get_user_model().objects
    viewers = {
        "admin": users.filter(is_superuser=True).first() or users.create_superuser("bench-admin", "a@b.c", "pw"),
        "supervisor": users.get(username="europe-supervisor"),
        "agent": users.get(username="europe-agent-1"),
    }
    scenarios = [
        ("admin", "all teams, last 30 days", "/reports/"),
        ("supervisor", "one team, last 30 days", "/reports/"),
        ("agent", "own figures, last 30 days", "/reports/"),
        ("supervisor", "one team, country DE", "/reports/?country=DE"),
        ("admin", "all teams, 90 days (weekly)", "/reports/?date_from=2026-08-23&date_to=2026-11-20"),
        ("admin", "all teams, 365 days (weekly)", "/reports/?date_from=2025-11-21&date_to=2026-11-20"),
        ("admin", "365 days, by agent", "/reports/?date_from=2025-11-21&date_to=2026-11-20&by=agent"),
        ("supervisor", "one team, 365 days", "/reports/?date_from=2025-11-21&date_to=2026-11-20"),
        ("agent", "own figures, 365 days", "/reports/?date_from=2025-11-21&date_to=2026-11-20"),
        ("supervisor", "one team, DE, 365 days", "/reports/?date_from=2025-11-21&date_to=2026-11-20&country=DE"),
    ]
    print(f"\n{'viewer':<11} {'figures':<30} {'median ms':>9} {'max ms':>8} {'queries':>8}")
    for who, label, url in scenarios:
        client = Client()
        client.force_login(viewers[who])
        median, worst, queries = timed_requests(client, url, args.rounds)
        print(f"{who:<11} {label:<30} {median:>9.0f} {worst:>8.0f} {queries:>8}")

    if not args.no_export:
        client = Client()
        client.force_login(viewers["admin"])
        url = "/reports/export/tickets.csv?date_from=2025-11-21&date_to=2026-11-20"
        seconds, lines, peak = timed_export(client, url)
        print(f"\nCSV of a year's tickets (all teams): {lines - 1} rows in {seconds:.1f}s, "
              f"peak Python memory {peak:.0f} MiB")  # fmt: skip
    traveller.stop()


if __name__ == "__main__":
    main()
