"""One SLA sweep over a large table: time to find and escalate the due tickets, its queries and the plans.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench .venv/bin/python bench/sla_sweep.py --due 1000

Run bench/datagen.py first. The due tickets are a surge (the default): `--due` new tickets, copied from
generated ones, arrive at once and nobody answers them, as when a carrier's outage brings a wave of
complaints. Like every new ticket they sit at the end of the table and its indexes. With `--scatter` they
are instead open tickets picked at random across the year of generated data, so that nearly every row
the sweep writes lies on a page of its own, as cold as the server's cache leaves it.

Each round makes the due tickets' first-response deadlines pass,
runs one sweep, and puts back every row the sweep changed (clocks, tickets, agents' last assignment)
and deletes every row it added, so each round, and each run, starts from the same state.
`--profile` adds one more round under cProfile and prints where its time went.

Putting rows back leaves dead row versions, and an index entry for each, that a production database's
autovacuum would clear (this one may run without it): the run starts with VACUUM ANALYZE of the tables
a sweep writes, and each round ends with VACUUM of those it only inserts into, where the same keys come
back each round. `--no-vacuum` measures the database as it is.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helpdesk_bench")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")
os.environ.setdefault("EMAIL_URL", "dummymail://")

TICKET_FIELDS = ("priority", "assignee_id", "updated_at", "sla_state")
INSERTED = ("tickets_slabreach", "tickets_ticketevent", "helpdesk_notification", "tickets_outboundemail")
WRITTEN = ("tickets_ticket", "tickets_slaclock", "tickets_agentprofile", *INSERTED)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile one more sweep and print the top functions")
    parser.add_argument(
        "--assigned", action="store_true", help="the due tickets have an agent on shift already: none is reassigned"
    )
    parser.add_argument(
        "--scatter", action="store_true", help="the due tickets are open ones picked at random, not a surge of new ones"
    )
    parser.add_argument("--no-vacuum", dest="vacuum", action="store_false", help="no VACUUM before and between rounds")
    args = parser.parse_args()

    import django

    django.setup()
    from django.utils import timezone

    from helpdesk.celery import warm_up
    from tickets.models import Ticket

    total = Ticket.objects.count()
    now = timezone.now()
    print(f"load average at the start: {_load()}")
    warm_up()  # as a worker does when it starts: the sweeps measured are those of a running worker
    surge = [] if args.scatter else _arrive(args.due, now)
    try:
        _rounds(args, now, total, surge)
    finally:
        _leave(surge)


def _rounds(args: argparse.Namespace, now: Any, total: int, surge: list[int]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if args.vacuum:
        _vacuum(WRITTEN, analyze=True)
    timings, query_times, claim_sql = [], [], ""
    for number in range(args.rounds + args.profile):
        ticket_ids, saved = _make_due(args.due, now, assigned=args.assigned, among=surge)
        profiler = cProfile.Profile() if number == args.rounds else None
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            result = _sweep(now)
            if profiler is not None:
                profiler.disable()
            elapsed = time.perf_counter() - started
        _undo(saved)
        if args.vacuum:
            _vacuum(INSERTED)
        assert sorted(result.breached) == sorted(ticket_ids), (len(result.breached), len(ticket_ids))
        if profiler is not None:
            _print_profile(profiler)
            continue
        timings.append(elapsed * 1000)
        query_times.append([(q["sql"], float(q["time"]) * 1000) for q in captured.captured_queries])
        claim_sql = next(
            q["sql"] for q in captured.captured_queries if "SKIP LOCKED" in q["sql"] and "due_at" in q["sql"]
        )

    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + claim_sql)
        plan = "\n".join(row[0] for row in cur.fetchall())
    due = "at random among the open ones" if args.scatter else "a surge of new ones"
    print(f"tickets: {total}, due per sweep: {args.due} ({due}), rounds: {args.rounds}, load average: {_load()}")
    print(f"sweep ms: median {statistics.median(timings):.0f}, min {min(timings):.0f}, max {max(timings):.0f}")
    _print_breakdown(timings, query_times)
    print(f"claim query:\n{claim_sql}\nplan of the claim query:\n{plan}")


def _sweep(now: Any) -> Any:
    from tickets.services import sla_sweep

    return sla_sweep(now=now)


def _arrive(count: int, now: Any) -> list[int]:
    """`count` new tickets arrive: copies of generated new ones (team, customer, category, language, text),
    created a few minutes ago, unassigned, with their SLA clocks running. Returns their ids."""
    from django.db import connection, transaction

    from tickets.models import Ticket

    columns = [f.column for f in Ticket._meta.concrete_fields if f.column != "id"]
    fresh = {"created_at": "%(now)s", "updated_at": "%(now)s", "last_activity_at": "%(now)s"}
    chosen = ", ".join(fresh.get(column, column) for column in columns)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO tickets_ticket ({', '.join(columns)}) SELECT {chosen} FROM tickets_ticket "
            "WHERE status = 'new' AND assignee_id IS NULL ORDER BY random() LIMIT %(count)s RETURNING id",
            {"now": now - timedelta(minutes=5), "count": count},
        )
        ids = sorted(row[0] for row in cur.fetchall())
        cur.execute(
            "INSERT INTO tickets_slaclock (ticket_id, metric, target_minutes, started_at, paused_seconds, warn_at,"
            " due_at) SELECT id, metric, 10, %(now)s, 0, %(due)s, %(due)s"
            " FROM unnest(%(ids)s) AS id, (VALUES ('first_response'), ('resolution')) AS m(metric)",
            {"now": now - timedelta(minutes=5), "due": now + timedelta(days=1), "ids": ids},
        )
    return ids


def _leave(ids: list[int]) -> None:
    """The surge's tickets, their clocks and what the sweep added are deleted."""
    from django.db import connection, transaction

    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cur:
        for table in ("tickets_slabreach", "tickets_slaclock", "tickets_ticketevent", "tickets_ticket"):
            column = "id" if table == "tickets_ticket" else "ticket_id"
            cur.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])


def _make_due(
    count: int, now: Any, *, assigned: bool = False, among: list[int] | None = None
) -> tuple[list[int], dict[str, Any]]:
    """Make `count` open tickets' first response overdue (already warned), `among` these tickets if given,
    with `assigned` each given to an agent of its team (all are on shift: datagen sets no shifts); remember
    what to put back."""
    from django.db import connection, transaction

    from helpdesk import roles
    from tickets.models import AgentProfile, OutboundEmail, SlaBreach, SlaClock, Ticket, TicketEvent
    from workspace.models import Notification

    with transaction.atomic():
        candidates = SlaClock.objects.filter(ticket_id__in=among) if among else SlaClock.objects.all()
        clocks = list(
            candidates.filter(
                metric="first_response",
                met_at__isnull=True,
                breached_at__isnull=True,
                paused_at__isnull=True,
                due_at__gt=now,
            )
            .order_by("?")
            .values_list("pk", "ticket_id", "due_at", "warned_at")[:count]
        )
        ticket_ids = sorted({t for _c, t, _d, _w in clocks})
        SlaClock.objects.filter(pk__in=[c[0] for c in clocks]).update(
            due_at=now - timedelta(minutes=1), warned_at=now - timedelta(minutes=3)
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE tickets_slaclock")
    saved = {
        "clocks": clocks,
        "tickets": list(Ticket.objects.filter(pk__in=ticket_ids).values("pk", *TICKET_FIELDS)),
        "agents": list(AgentProfile.objects.values_list("pk", "last_assigned_at")),
        "after": {
            model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            for model in (SlaBreach, TicketEvent, Notification, OutboundEmail)
        },
    }
    if assigned:
        agents: dict[int, list[int]] = {}
        for user_id, team_id in AgentProfile.objects.filter(user__groups__name=roles.AGENT_GROUP).values_list(
            "user_id", "team_id"
        ):
            agents.setdefault(team_id, []).append(user_id)
        tickets = Ticket.objects.filter(pk__in=ticket_ids).only("pk", "team_id")
        Ticket.objects.bulk_update(
            [Ticket(pk=t.pk, assignee_id=agents[t.team_id][t.pk % len(agents[t.team_id])]) for t in tickets],
            ["assignee_id"],
        )
    return ticket_ids, saved


def _undo(saved: dict[str, Any]) -> None:
    """Put back the rows the sweep changed and delete the rows it added."""
    from django.db import transaction

    from tickets.models import AgentProfile, SlaClock, Ticket

    with transaction.atomic():
        for model, last_pk in saved["after"].items():
            model.objects.filter(pk__gt=last_pk).delete()
        clocks = [
            SlaClock(pk=pk, due_at=due, warned_at=warned, breached_at=None) for pk, _t, due, warned in saved["clocks"]
        ]
        SlaClock.objects.bulk_update(clocks, ["due_at", "warned_at", "breached_at"])
        Ticket.objects.bulk_update([Ticket(**row) for row in saved["tickets"]], list(TICKET_FIELDS))
        AgentProfile.objects.bulk_update(
            [AgentProfile(pk=pk, last_assigned_at=at) for pk, at in saved["agents"]], ["last_assigned_at"]
        )


def _vacuum(tables: tuple[str, ...], *, analyze: bool = False) -> None:
    from django.db import connection

    with connection.cursor() as cur:  # outside a transaction: Django runs in autocommit here
        cur.execute(f"VACUUM {'(ANALYZE) ' if analyze else ''}{', '.join(tables)}")


def _print_breakdown(timings: list[float], rounds: list[list[tuple[str, float]]]) -> None:
    """Queries per sweep (BEGIN and COMMIT included), and the median time of each query, of the COMMITs
    (flushing the write-ahead log) and of the rest: Python, and sending and receiving."""
    print(f"queries per sweep: {sorted({len(queries) for queries in rounds})}")
    median = statistics.median
    sql = [sum(ms for statement, ms in queries if statement != "COMMIT") for queries in rounds]
    commits = [sum(ms for statement, ms in queries if statement == "COMMIT") for queries in rounds]
    rest = [total - q - c for total, q, c in zip(timings, sql, commits, strict=True)]
    print(f"  median ms: queries {median(sql):.0f}, commits {median(commits):.0f}, the rest {median(rest):.0f}")
    split = zip(timings, sql, commits, rest, strict=True)
    print(
        "  each round, ms (queries + commits + the rest): "
        + ", ".join(f"{t:.0f} ({q:.0f}+{c:.0f}+{r:.0f})" for t, q, c, r in split)
    )
    if len({len(queries) for queries in rounds}) == 1:
        for position, (statement, _ms) in enumerate(rounds[0]):
            if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
                print(f"  {median(queries[position][1] for queries in rounds):6.1f}  {statement[:100]}")


def _print_profile(profiler: cProfile.Profile) -> None:
    stats = pstats.Stats(profiler)
    print(f"profiled sweep: {stats.total_tt * 1000:.0f} ms (under cProfile)")  # type: ignore[attr-defined]
    stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
