"""Agent pages and the ticket API, rendered afresh, against the floor, measured with wrk on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench .venv/bin/python bench/web_load.py \
        --seconds 15 --writers 0 2 10

Run bench/datagen.py first. The script signs an agent of the generated data in (a real Django
session made with SessionStore in the bench database), gives it an API token, and serves the product
as in production: gunicorn with uvicorn workers (`--server wsgi`: sync workers), DEBUG off, static
files collected, plain HTTP on 127.0.0.1, with bench/settings.py adding the floor (bench/urls.py: a
bare agent page running one SELECT). For each rate of `--writers` (ticket changes a second through
the services, bench/writers.py, in a process of their own) it runs wrk with 8 connections for a
bounded time against the floor, the queue page, a ticket page and the ticket list API. Prints a
Markdown table and each page's share of the floor's req/s, and writes
bench/out/web_load-<tickets>-<server>.json. The machine's speed moves between runs of a few seconds:
`--rounds N` runs the floor and the pages in turn N times and gives each page's share against the
floor of its own round, then the median and range of those shares.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.loadlib import ROOT, TABLE_HEAD, fetch, gunicorn, load_average, machine, row, wrk

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench"
SECRET = "bench-only-secret-key-not-for-production-0123456789abcdefghij"  # noqa: S105 - a key for loopback benchmarks only


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        TESTING="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; everything else as in production
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        CACHE_URL=os.environ.get("BENCH_CACHE_URL", "rediscache://127.0.0.1:6379/9"),
        CELERY_BROKER_URL=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="bench.settings",
    )
    return env


def prepare(database_url: str) -> dict[str, Any]:
    """A session cookie and an API token for an agent of the generated data, and what to ask for."""
    os.environ.update(server_env(database_url))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string
    from rest_framework.authtoken.models import Token

    from tickets.models import Ticket

    call_command("migrate", verbosity=0)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=server_env(database_url),
        check=True,
    )
    agent = get_user_model().objects.get(username="europe-agent-0")
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    token, _ = Token.objects.get_or_create(user=agent)
    team_id = agent.agent_profile.team_id
    ticket = (
        Ticket.objects.filter(team_id=team_id, status__in=["new", "open"]).order_by("-created_at").values("pk").first()
    )
    assert ticket is not None
    return {
        "tickets": Ticket.objects.count(),
        # What a browser holds after its first page: the session and the CSRF cookie the page set.
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}",
        "token": token.key,
        "ticket": ticket["pk"],
    }


def check_page(url: str, headers: dict[str, str], marker: str) -> None:
    status, body = fetch(url, headers)
    if status != 200 or marker not in body or 'name="password"' in body:
        raise SystemExit(f"{url} did not answer the signed-in page ({status}): {body[:300]}")


SERVERS = {
    # As in production (bin/run, docker compose, the Dockerfile): gunicorn with uvicorn workers.
    "asgi": ("helpdesk.asgi:application", "uvicorn.workers.UvicornWorker"),
    "wsgi": ("helpdesk.wsgi", "sync"),
}


@contextmanager
def writing(rate: float, seconds: float, log: Path) -> Iterator[None]:
    """Ticket changes at `rate` per second in a process of their own (bench/writers.py) meanwhile."""
    if not rate:
        yield
        return
    command = [sys.executable, str(ROOT / "bench" / "writers.py"), f"--rate={rate}", f"--seconds={seconds}"]
    with log.open("ab") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=err)
    try:
        yield
    finally:
        out, _ = process.communicate(timeout=seconds + 120)
        print(f"  writers: {out.decode().strip()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--pages", nargs="+", default=["floor", "queue", "ticket", "api"])
    parser.add_argument("--server", choices=sorted(SERVERS), default="asgi")
    parser.add_argument(
        "--writers", type=float, nargs="+", default=[0], help="background ticket changes per second, one run each"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="times each page runs, the floor and the pages in turn (shares: median)"
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    facts = prepare(database_url)
    page_headers = {"Cookie": facts["cookie"]}
    api_headers = {"Authorization": f"Token {facts['token']}", "Accept": "application/json"}
    targets = {
        "floor": ("/bench/floor/", page_headers, "floor "),
        "queue": ("/queue/", page_headers, "HD-"),
        "ticket": (f"/tickets/{facts['ticket']}/", page_headers, f"HD-{facts['ticket']:06d}"),
        "api": ("/api/v1/tickets/", api_headers, '"results"'),
    }
    results: dict[str, Any] = {"machine": machine(), "tickets": facts["tickets"], "server": args.server, "runs": []}
    print(f"{facts['tickets']:,} tickets; {args.server}; machine {results['machine']}; load {load_average()}")
    print(TABLE_HEAD)
    log = ROOT / "bench" / "out" / "gunicorn.log"
    app, worker_class = SERVERS[args.server]
    env = server_env(database_url)
    for workers in args.workers:
        with gunicorn(
            sys.executable, app, env=env, cwd=ROOT, workers=workers, log=log, worker_class=worker_class
        ) as base:
            for rate, turn in [(rate, turn) for rate in args.writers for turn in range(args.rounds)]:
                for page in args.pages:
                    path, headers, marker = targets[page]
                    check_page(base + path, headers, marker)
                    wrk(base + path, headers=headers, connections=args.connections, seconds=3)  # warm up
                    with writing(rate, args.seconds + 1, log):
                        result = wrk(
                            base + path,
                            headers=headers,
                            connections=args.connections,
                            seconds=args.seconds,
                            server=base,
                        )
                    result.update(page=page, workers=workers, path=path, writers=rate, server=args.server, round=turn)
                    results["runs"].append(result)
                    label = f"{page} {path} ({facts['tickets']:,} tickets, {workers} workers, {rate:g} changes/s)"
                    print(row(label, result), flush=True)
    out = ROOT / "bench" / "out" / f"web_load-{facts['tickets']}-{args.server}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print_ratios(results["runs"])


def print_ratios(runs: list[dict[str, Any]]) -> None:
    """Each page's req/s as a share of the floor's of the same round, and its p95 as a multiple of the
    floor's; with several rounds, the median of each page's shares and multiples, and their range."""
    floors = {(r["workers"], r["writers"], r.get("round", 0)): r for r in runs if r["page"] == "floor"}
    paired: dict[tuple[str, float], list[tuple[float, float]]] = {}
    for run in runs:
        floor = floors.get((run["workers"], run["writers"], run.get("round", 0)))
        if floor and run["page"] != "floor":
            share, p95 = 100 * run["rps"] / floor["rps"], run["p95_ms"] / floor["p95_ms"]
            paired.setdefault((run["page"], run["writers"]), []).append((share, p95))
            print(f"{run['page']}, {run['writers']:g} changes/s: {share:.1f} % of the floor's req/s, p95 {p95:.1f}x")
    for (page, rate), pairs in paired.items():
        if len(pairs) > 1:
            shares, p95s = sorted(s for s, _ in pairs), sorted(p for _, p in pairs)
            print(
                f"{page}, {rate:g} changes/s, median of {len(pairs)} rounds: {statistics.median(shares):.1f} % "
                f"({shares[0]:.1f}-{shares[-1]:.1f}), p95 {statistics.median(p95s):.1f}x ({p95s[0]:.1f}-{p95s[-1]:.1f})"
            )


if __name__ == "__main__":
    main()
