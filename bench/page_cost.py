"""What one request for each agent page costs the server process, measured inside it: CPU time and
Python function calls per request, and the SQL statements it sends.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench .venv/bin/python bench/page_cost.py \
        --requests 60

The same pages and the same signed-in agent as bench/web_load.py (production settings, DEBUG off),
asked for through Django's test client in this one process, after a few requests to warm up. The
CPU time is the process's own (PostgreSQL's is not in it) and moves with the machine's other load;
the count of function calls does not: for the same data and code it is the same in every run, so
it compares two commits on a shared, noisy machine. `--profile PAGE` prints where that page's time
goes (cProfile, by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.web_load import DEFAULT_URL, prepare


def clients(facts: dict[str, Any]) -> dict[str, tuple[Any, str]]:
    from django.test import Client

    page = Client(HTTP_HOST="127.0.0.1")
    page.cookies.load(facts["cookie"])
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {facts['token']}", HTTP_ACCEPT="application/json")
    return {
        "floor": (page, "/bench/floor/"),
        "queue": (page, "/queue/"),
        "ticket": (page, f"/tickets/{facts['ticket']}/"),
        "api": (api, "/api/v1/tickets/"),
    }


def measure(client: Any, url: str, requests: int) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    cpu = []
    for _ in range(requests):
        started = time.process_time()
        client.get(url)
        cpu.append((time.process_time() - started) * 1000)
    profile = cProfile.Profile()
    profile.enable()
    client.get(url)
    profile.disable()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return {"cpu_ms": statistics.median(cpu), "calls": calls, "queries": len(queries.captured_queries)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--pages", nargs="+", default=["floor", "queue", "ticket", "api"])
    parser.add_argument("--profile", help="print where this page's time goes")
    args = parser.parse_args()
    facts = prepare(os.environ.get("DATABASE_URL", DEFAULT_URL))
    pages = clients(facts)
    print(f"{facts['tickets']:,} tickets")
    print("| page | CPU ms per request (median) | function calls per request | SQL statements |")
    print("|---|---|---|---|")
    for name in args.pages:
        client, url = pages[name]
        cost = measure(client, url, args.requests)
        print(f"| {name} {url} | {cost['cpu_ms']:.2f} | {cost['calls']:,} | {cost['queries']} |")
    if args.profile:
        client, url = pages[args.profile]
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(url)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
