"""Reproducible bulk data for benchmarks: teams, staff, customers, tickets, messages and SLA
clocks in realistic proportions, loaded with PostgreSQL COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench \
        .venv/bin/python bench/datagen.py --tickets 1000000 --seed 1

The database is created and migrated when missing; existing tickets are replaced.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DEBUG", "1")

OPEN_SHARE = 0.05  # most tickets of a mature helpdesk are closed
LANGUAGES = ["en", "de", "fr", "es", "ja", "zh-hans"]
COUNTRIES = ["DE", "FR", "ES", "GB", "US", "CA", "JP", "CN", "AU"]
WORDS = [
    "parcel",
    "late",
    "customs",
    "damaged",
    "refund",
    "size",
    "colour",
    "charge",
    "twice",
    "coupon",
    "tracking",
    "lost",
    "return",
    "exchange",
    "broken",
    "missing",
    "invoice",
    "delivery",
    "address",
    "battery",
    "screen",
]


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin = psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def copy(cursor: Any, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(r"\N" if v is None else str(v) for v in row) + "\n")
        count += 1
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
        stream.write(buffer.getvalue())
    return count


def timed(label: str, action: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = action()
    print(f"{label}: {time.perf_counter() - started:.1f}s", flush=True)
    return result


def generate(tickets: int, seed: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from helpdesk import roles
    from tests.factories import make_staff
    from tickets.models import Category, Team

    rng = random.Random(seed)
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE tickets_ticket, tickets_customer, tickets_slaclock, tickets_slabreach, "
            "tickets_message, tickets_ticketevent, helpdesk_notification, tickets_outboundemail CASCADE"
        )
    teams = []
    for slug, countries in (("europe", COUNTRIES[:4]), ("americas", COUNTRIES[4:6]), ("apac", COUNTRIES[6:])):
        team, _ = Team.objects.get_or_create(slug=slug, defaults={"name": slug.title(), "countries": countries})
        teams.append(team)
        if not team.members.exists():
            for i in range(20):
                make_staff(
                    team=team,
                    tier=["L1", "L2", "L3"][i % 3],
                    username=f"{slug}-agent-{i}",
                    languages=rng.sample(LANGUAGES, 2),
                )
            make_staff(team=team, tier="L3", group=roles.SUPERVISOR_GROUP, username=f"{slug}-supervisor")
    categories = []
    for slug, kind in (
        ("logistics", "complaint"),
        ("product", "complaint"),
        ("payment", "complaint"),
        ("other", "inquiry"),
    ):
        category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": slug.title(), "kind": kind})
        categories.append(category)
    agents_by_team = {t.pk: list(t.members.values_list("user_id", flat=True)) for t in teams}

    customers = max(1, tickets // 5)
    raw = connection.connection
    with raw.cursor() as cur:
        timed(
            f"customers ({customers})",
            lambda: copy(
                cur,
                "tickets_customer",
                [
                    "id",
                    "name",
                    "email",
                    "phone",
                    "language",
                    "country",
                    "time_zone",
                    "external_ids",
                    "created_at",
                    "care_priority_bump",
                    "care_min_tier",
                    "care_queue_rank",
                ],
                (
                    (
                        i,
                        f"Customer {i}",
                        f"c{i}@example.com",
                        "",
                        rng.choice(LANGUAGES),
                        rng.choice(COUNTRIES),
                        "UTC",
                        "{}",
                        now.isoformat(),
                        0,
                        "",
                        0,
                    )
                    for i in range(1, customers + 1)
                ),
            ),
        )
        ticket_rows, clock_rows, message_rows = [], [], []
        clock_id = 0
        for pk in range(1, tickets + 1):
            created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
            is_open = rng.random() < OPEN_SHARE
            status = (
                rng.choice(["new", "open", "open", "pending"]) if is_open else rng.choice(["closed"] * 9 + ["solved"])
            )
            team = rng.choice(teams)
            category = rng.choice(categories)
            assignee = rng.choice(agents_by_team[team.pk]) if status != "new" else None
            subject = " ".join(rng.sample(WORDS, 4))
            responded = None if status == "new" else created + timedelta(minutes=rng.randint(1, 30))
            solved = created + timedelta(hours=rng.randint(1, 72)) if not is_open else None
            closed = solved + timedelta(days=7) if status == "closed" and solved else None
            first_target = 3 if category.kind == "inquiry" else 10
            due_first = created + timedelta(minutes=first_target)
            due_resolution = created + timedelta(hours=24 if category.kind == "inquiry" else 48)
            # Open tickets' deadlines lie ahead; the benchmark makes some of them due.
            if is_open:
                due_first = now + timedelta(days=30, minutes=rng.randint(0, 10000))
                due_resolution = due_first + timedelta(days=1)
            sla_due = due_first if status == "new" else (due_resolution if status != "pending" else None)
            ticket_rows.append(
                (
                    pk,
                    subject,
                    rng.randint(1, customers),
                    None,
                    category.pk,
                    rng.randint(1, 4),
                    status,
                    team.pk,
                    assignee,
                    rng.choice(["web", "email", "api", "phone"]),
                    rng.choice(LANGUAGES),
                    "{}",
                    None,
                    None,
                    created.isoformat(),
                    (closed or solved or created).isoformat(),
                    (solved or created).isoformat(),
                    created.isoformat(),
                    responded and responded.isoformat(),
                    solved and solved.isoformat(),
                    closed and closed.isoformat(),
                    subject,
                    sla_due and sla_due.isoformat(),
                    "ok",
                )
            )
            for metric, due, met in (("first_response", due_first, responded), ("resolution", due_resolution, solved)):
                clock_id += 1
                minutes = int((due - created).total_seconds() // 60)
                paused = now.isoformat() if (metric == "resolution" and status == "pending") else None
                warn = due - timedelta(minutes=1 if is_open else minutes * 0.2)
                clock_rows.append(
                    (
                        clock_id,
                        pk,
                        metric,
                        max(1, minutes),
                        created.isoformat(),
                        0,
                        paused,
                        None if paused else warn.isoformat(),
                        None if paused else due.isoformat(),
                        None,
                        None,
                        met and met.isoformat(),
                    )
                )
            message_rows.append(
                (
                    pk,
                    pk,
                    "customer",
                    subject + ". " + " ".join(rng.sample(WORDS, 12)),
                    "web",
                    False,
                    "",
                    created.isoformat(),
                    None,
                )
            )
        timed(
            f"tickets ({tickets})",
            lambda: copy(
                cur,
                "tickets_ticket",
                [
                    "id",
                    "subject",
                    "customer_id",
                    "order_id",
                    "category_id",
                    "priority",
                    "status",
                    "team_id",
                    "assignee_id",
                    "channel",
                    "language",
                    "facts",
                    "follow_up_of_id",
                    "merged_into_id",
                    "created_at",
                    "updated_at",
                    "last_activity_at",
                    "first_customer_message_at",
                    "first_response_at",
                    "solved_at",
                    "closed_at",
                    "search_text",
                    "sla_due_at",
                    "sla_state",
                ],
                ticket_rows,
            ),
        )
        timed(
            "sla clocks",
            lambda: copy(
                cur,
                "tickets_slaclock",
                [
                    "id",
                    "ticket_id",
                    "metric",
                    "target_minutes",
                    "started_at",
                    "paused_seconds",
                    "paused_at",
                    "warn_at",
                    "due_at",
                    "warned_at",
                    "breached_at",
                    "met_at",
                ],
                clock_rows,
            ),
        )
        timed(
            "messages",
            lambda: copy(
                cur,
                "tickets_message",
                [
                    "id",
                    "ticket_id",
                    "kind",
                    "body",
                    "channel",
                    "is_automatic",
                    "email_message_id",
                    "created_at",
                    "author_id",
                ],
                message_rows,
            ),
        )
        for table in ("tickets_customer", "tickets_ticket", "tickets_slaclock", "tickets_message"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        timed(
            "search vectors",
            lambda: cur.execute("UPDATE tickets_ticket SET search_vector = to_tsvector('simple', search_text)"),
        )
        # A production table is kept vacuumed by autovacuum; a fresh load is not (and this server may run
        # without autovacuum). VACUUM sets the visibility map, without which index-only scans (the open
        # tickets per agent that routing counts, queue counts) read the table too, and clears the dead row
        # versions the search-vector UPDATE left; ANALYZE gives the planner statistics. The whole database:
        # the staff, teams and categories made above too.
        timed("vacuum analyze", lambda: cur.execute("VACUUM ANALYZE"))
    raw.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helpdesk_bench")
    os.environ["DATABASE_URL"] = url
    ensure_database(url)
    generate(args.tickets, args.seed)


if __name__ == "__main__":
    main()
