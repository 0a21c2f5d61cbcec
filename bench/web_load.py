"""Agent pages and the ticket API under gunicorn, measured with wrk on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench .venv/bin/python bench/web_load.py \
        --workers 2 3 --seconds 15

Run bench/datagen.py first. The script signs an agent of the generated data in (a real Django
session made with SessionStore in the bench database), gives it an API token, serves the product with
gunicorn (DEBUG off, static files collected, production settings but plain HTTP on 127.0.0.1), and
runs wrk with 8 connections for a bounded time against the queue page, a ticket page and the ticket
list API. Prints a Markdown table and writes bench/out/web_load-<tickets>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
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
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--pages", nargs="+", default=["queue", "ticket", "api"])
    parser.add_argument("--no-page-cache", action="store_true", help="render every page afresh (PAGE_CACHE_SECONDS=0)")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if args.no_page_cache:
        os.environ["PAGE_CACHE_SECONDS"] = "0"
    facts = prepare(database_url)
    page_headers = {"Cookie": facts["cookie"]}
    api_headers = {"Authorization": f"Token {facts['token']}", "Accept": "application/json"}
    targets = {
        "queue": ("/queue/", page_headers, "HD-"),
        "ticket": (f"/tickets/{facts['ticket']}/", page_headers, f"HD-{facts['ticket']:06d}"),
        "api": ("/api/v1/tickets/", api_headers, '"results"'),
    }
    results: dict[str, Any] = {"machine": machine(), "tickets": facts["tickets"], "runs": []}
    print(f"{facts['tickets']:,} tickets; machine {results['machine']}; load {load_average()}")
    print(TABLE_HEAD)
    log = ROOT / "bench" / "out" / "gunicorn.log"
    for workers in args.workers:
        with gunicorn(
            sys.executable, "helpdesk.wsgi", env=server_env(database_url), cwd=ROOT, workers=workers, log=log
        ) as base:
            for page in args.pages:
                path, headers, marker = targets[page]
                check_page(base + path, headers, marker)
                wrk(base + path, headers=headers, connections=args.connections, seconds=3)  # warm up
                result = wrk(
                    base + path, headers=headers, connections=args.connections, seconds=args.seconds, server=base
                )
                result.update(page=page, workers=workers, path=path, page_cache=not args.no_page_cache)
                results["runs"].append(result)
                cached = ", uncached" if args.no_page_cache else ""
                label = f"{page} {path} ({facts['tickets']:,} tickets, {workers} workers{cached})"
                print(row(label, result), flush=True)
    suffix = "-uncached" if args.no_page_cache else ""
    out = ROOT / "bench" / "out" / f"web_load-{facts['tickets']}{suffix}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
