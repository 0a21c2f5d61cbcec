"""One SLA sweep over a large table: time to find and escalate the due tickets, and the plans.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench .venv/bin/python bench/sla_sweep.py --due 1000

Run bench/datagen.py first. Each round makes `--due` open tickets' first-response deadlines pass,
runs one sweep, and undoes the escalation so the next round starts from the same state.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helpdesk_bench")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")
os.environ.setdefault("EMAIL_URL", "dummymail://")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from helpdesk.models import Notification
    from tickets.models import OutboundEmail, SlaBreach, SlaClock, Ticket, TicketEvent
    from tickets.services import sla_sweep

    total = Ticket.objects.count()
    now = timezone.now()
    timings = []
    for _round in range(args.rounds):
        with transaction.atomic():
            ids = list(
                SlaClock.objects.filter(
                    metric="first_response",
                    met_at__isnull=True,
                    breached_at__isnull=True,
                    paused_at__isnull=True,
                    due_at__gt=now,
                )
                .order_by("?")
                .values_list("pk", "ticket_id")[: args.due]
            )
            clock_ids = [pk for pk, _t in ids]
            SlaClock.objects.filter(pk__in=clock_ids).update(
                due_at=now - timedelta(minutes=1), warned_at=now - timedelta(minutes=3)
            )
        with connection.cursor() as cur:
            cur.execute("ANALYZE tickets_slaclock")
        started = time.perf_counter()
        result = sla_sweep(now=now)
        elapsed = time.perf_counter() - started
        timings.append(elapsed * 1000)
        assert len(result.breached) == len({t for _c, t in ids}), (len(result.breached), len(ids))
        # Undo, so every round measures the same work.
        ticket_ids = [t for _c, t in ids]
        SlaBreach.objects.filter(clock_id__in=clock_ids).delete()
        SlaClock.objects.filter(pk__in=clock_ids).update(
            breached_at=None, warned_at=None, due_at=now + timedelta(days=60)
        )
        TicketEvent.objects.filter(ticket_id__in=ticket_ids).delete()
        Ticket.objects.filter(pk__in=ticket_ids).update(sla_state="ok")
        Notification.objects.all().delete()
        OutboundEmail.objects.all().delete()

    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN SELECT id, ticket_id FROM tickets_slaclock WHERE breached_at IS NULL AND met_at IS NULL "
            "AND paused_at IS NULL AND due_at IS NOT NULL AND due_at <= now() ORDER BY due_at LIMIT 1000 "
            "FOR UPDATE SKIP LOCKED"
        )
        plan = "\n".join(row[0] for row in cur.fetchall())
    print(f"tickets: {total}, due per sweep: {args.due}, rounds: {args.rounds}")
    print(f"sweep ms: median {statistics.median(timings):.0f}, min {min(timings):.0f}, max {max(timings):.0f}")
    print("plan of the claim query:\n" + plan)


if __name__ == "__main__":
    main()
