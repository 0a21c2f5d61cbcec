"""Ticket changes in the background, through the services, at a steady rate: a busy helpdesk.

    python bench/writers.py --rate 10 --agent europe-agent-0 --seconds 30

Each change is one of the things agents do all day to the open tickets of the measured agent's team:
a priority raised or lowered, a ticket taken or given back, an internal note. Each goes through the
service that makes it (its events, SLA, live streams, cache keys), in its own transaction. Runs in its
own process, paced by the clock (a slow change is not made up by a burst), and prints what it did."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, required=True, help="changes per second")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--agent", default="europe-agent-0")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from tickets.models import Priority, Ticket
    from tickets.services import message_add_note, ticket_assign, ticket_set_priority

    agent = get_user_model().objects.get(username=args.agent)
    team_id = agent.agent_profile.team_id
    open_ids = list(
        Ticket.objects.filter(team_id=team_id, status__in=["new", "open"])
        .order_by("-created_at")
        .values_list("pk", flat=True)[:200]
    )
    rng = random.Random(7)
    done, failed, began = 0, 0, time.monotonic()
    while (elapsed := time.monotonic() - began) < args.seconds:
        due = began + (done + failed) / args.rate
        if due > time.monotonic():
            time.sleep(due - time.monotonic())
        ticket = Ticket.objects.get(pk=rng.choice(open_ids))
        kind = (done + failed) % 3
        try:
            if kind == 0:
                new = Priority.HIGH if ticket.priority != Priority.HIGH else Priority.NORMAL
                ticket_set_priority(ticket=ticket, priority=new, actor=agent)
            elif kind == 1:
                ticket_assign(ticket=ticket, assignee=None if ticket.assignee_id else agent, actor=agent)
            else:
                message_add_note(ticket=ticket, author=agent, body=f"Checked with the carrier ({done}).")
            done += 1
        except Exception as error:  # a refused change is counted, the pace goes on
            failed += 1
            print(f"refused: {error!r}", file=sys.stderr)
    print(json.dumps({"rate": args.rate, "done": done, "failed": failed, "seconds": round(elapsed, 1)}))


if __name__ == "__main__":
    main()
