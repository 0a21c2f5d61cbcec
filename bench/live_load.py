"""The agents' live pages under load: 2,000 open pages on one uvicorn, a ticket watched by 200 of them.

    .venv/bin/python bench/live_load.py [--pages 2000] [--watchers 200] [--changes 100] [--rate 5] [--workers 1]

Makes a fresh benchmark database (DATABASE_URL, default helpdesk_bench_live: dropped, created, migrated)
with a team, `--agents` agents signed in (a database session each, made with SessionStore) and
`--tickets` open tickets of the team; serves the product with uvicorn as bench/chat.py does (helpdesk.asgi,
`--ws websockets`, DEBUG off, production settings, plain HTTP on 127.0.0.1; with more than one worker
the doorbells go between them through the Redis channel layer). Then opens `--pages` websockets to
`/ws/live/` from this process (asyncio, the `websockets` client), spread over the agents' sessions, and
subscribes each as a rendered page does (static/js/live.js): `user:<id>` (the bell) and, for `--watchers`
of them, a ticket page's `ticket:<id>`, for the others the queue page's `queue:team:<id>`. It measures:

- the server's resident memory before the sockets and with all of them held, and the connect time;
- for `--changes` changes of the watched ticket at `--rate` a second (priority, note, assignment, reply:
  tickets.services called in a thread of this process), the time from the start of the call to the
  arrival of the change's last event on each watching socket, p50/p95/p99 over every (change, watcher)
  pair, and each event's deliveries by its stream number (lost: not heard within `--drain` seconds of
  the last call; doubled: heard twice); the same for the queue rows the change sends the other pages;
- at the same ticks, the HTTP round trip of `/healthz` on the same server (the floor);
- the server's CPU time and the PostgreSQL sessions opened during the changes.

No Celery worker runs; the bench's Redis database (BENCH_REDIS_URL, default 12) is emptied before and
after. Writes bench/out/live_load.json and prints a Markdown table. Bounded: every wait has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.chat import Http, Uvicorn, chat_env, fresh_database, percentiles
from bench.loadlib import ROOT, group_cpu_seconds, load_average, machine

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench_live"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"  # the bench's own Redis database: flushed before and after
WAIT = 30.0
KINDS = ("priority", "note", "assign", "reply")


def prepare(database_url: str, redis_url: str, *, agents: int, tickets: int) -> dict[str, Any]:
    """Django in this process on a fresh bench database: a team, its agents signed in, open tickets."""
    fresh_database(database_url)
    os.environ.update(chat_env(database_url, redis_url))
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils.module_loading import import_string

    from helpdesk import roles
    from tickets.models import AgentProfile, Channel, Customer, Team, Ticket
    from tickets.services import ticket_create

    redis.Redis.from_url(redis_url).flushdb()
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - began
    roles.ensure_groups()
    team = Team.objects.create(slug="bench", name="Bench", is_default=True)
    # A team of its own for the warm-up changes: nobody watches its streams.
    warm_team = Team.objects.create(slug="warm-up", name="Warm-up")
    group = Group.objects.get(name=roles.AGENT_GROUP)
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    people = []
    for n in range(agents + 1):
        agent = get_user_model().objects.create_user(
            f"live-agent-{n}", f"agent{n}@bench.example.com", None, first_name="Agent", last_name=str(n)
        )
        agent.groups.add(group)
        on_team = team if n < agents else warm_team
        AgentProfile.objects.create(user=agent, team=on_team, tier="L1", languages=["en"], on_shift=True)
        session = store()
        session[SESSION_KEY] = str(agent.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
        session.create()
        people.append({"id": agent.pk, "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"})
    ticket_ids = []
    for n in range(tickets + 1):
        customer = Customer.objects.create(name=f"Customer {n}", email=f"customer{n}@bench.example.com")
        ticket = ticket_create(
            customer=customer, subject=f"Parcel {n} late", body="Where is my parcel?", channel=Channel.WEB
        )
        ticket_ids.append(ticket.pk)
    Ticket.objects.filter(pk=ticket_ids[-1]).update(team=warm_team)
    warm_up = {"ticket": ticket_ids.pop(), "team_id": warm_team.pk, "agent_id": people.pop()["id"]}
    facts = {"agents": people, "team_id": team.pk, "tickets": ticket_ids, "warm_up": warm_up}
    return {**facts, "migrate_s": round(migrate_s, 1)}


class Page:
    """One agent page's socket: what it subscribed to, and when each numbered event arrived (and how often)."""

    def __init__(self, cookie: str, streams: list[str]) -> None:
        self.cookie = cookie
        self.streams = streams
        self.arrived: dict[tuple[str, int], float] = {}
        self.doubled: Counter[tuple[str, int]] = Counter()
        self.reloads = 0

    def heard(self, frame: dict[str, Any], now: float) -> None:
        if frame.get("reload"):
            self.reloads += 1
        elif isinstance(frame.get("seq"), int) and "kind" in frame:
            key = (frame["stream"], frame["seq"])
            if key in self.arrived:
                self.doubled[key] += 1
            else:
                self.arrived[key] = now


class Pages:
    def __init__(self) -> None:
        self.subscribed = 0
        self.failed: Counter[str] = Counter()
        self.closed = 0
        self.stop = asyncio.Event()

    async def hold(self, url: str, page: Page, ready: asyncio.Semaphore) -> None:
        from websockets.asyncio.client import connect

        counted = False
        try:
            origin = url.replace("ws://", "http://").rsplit("/ws/", 1)[0]
            headers = {"Cookie": page.cookie}
            async with connect(url, origin=origin, additional_headers=headers, proxy=None, open_timeout=WAIT) as ws:
                since = datetime.now(UTC).isoformat()  # the page's render time
                for stream in page.streams:
                    await ws.send(json.dumps({"subscribe": stream, "since": since}))
                waiting = set(page.streams)
                while waiting:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
                    if frame.get("refused") or frame.get("reload"):
                        raise RuntimeError(f"{frame.get('stream')} refused")
                    if frame.get("subscribed"):
                        waiting.discard(frame["stream"])
                self.subscribed += 1
                counted = True
                ready.release()
                reader = asyncio.create_task(self._read(ws, page))
                await self.stop.wait()
                reader.cancel()
        except Exception as error:
            self.failed[type(error).__name__] += 1
            if not counted:
                ready.release()

    async def _read(self, ws: Any, page: Page) -> None:
        try:
            async for raw in ws:
                page.heard(json.loads(raw), time.perf_counter())
        except Exception:
            self.closed += 1


class Changer:
    """The changes to the watched ticket, through the services, in one thread of this process."""

    def __init__(self, ticket_id: int, team_id: int, agent_ids: list[int]) -> None:
        self.ticket_id = ticket_id
        self.streams = (f"ticket:{ticket_id}", f"queue:team:{team_id}")
        self.agent_ids = agent_ids
        self.last: dict[str, int] = {}

    def newest(self) -> dict[str, int]:
        from workspace.live.streams import newest_seq

        return {stream: newest_seq(stream) for stream in self.streams}

    def change(self, n: int) -> dict[str, Any]:
        from django.contrib.auth import get_user_model

        from tickets import services
        from tickets.models import Ticket

        if not self.last:
            self.last = self.newest()
        kind = KINDS[n % len(KINDS)]
        actor = get_user_model().objects.get(pk=self.agent_ids[n % len(self.agent_ids)])
        began = time.perf_counter()
        ticket = Ticket.objects.get(pk=self.ticket_id)
        if kind == "priority":
            services.ticket_set_priority(ticket=ticket, priority=1 + (n // 4) % 4, actor=actor)
        elif kind == "note":
            services.message_add_note(ticket=ticket, author=actor, body=f"bench note {n}")
        elif kind == "assign":
            services.ticket_assign(ticket=ticket, assignee=actor, actor=actor)
        else:
            services.message_add_reply(ticket=ticket, author=actor, body=f"bench reply {n}")
        returned = time.perf_counter()
        newest = self.newest()
        events = {stream: list(range(self.last[stream] + 1, newest[stream] + 1)) for stream in self.streams}
        self.last = newest
        return {"n": n, "kind": kind, "began": began, "returned": returned, "events": events}


def deliveries(changes: list[dict[str, Any]], pages: list[Page], stream: str) -> dict[str, Any]:
    """Start of the call → arrival of the change's last event on each page watching the stream."""
    latencies: list[float] = []
    after_return: list[float] = []
    by_change: list[list[float]] = [[] for _change in changes]
    lost = doubled = reloads = 0
    for page in pages:
        reloads += page.reloads
        for index, change in enumerate(changes):
            seqs = change["events"][stream]
            arrivals = [page.arrived.get((stream, seq)) for seq in seqs]
            lost += sum(1 for at in arrivals if at is None)
            doubled += sum(page.doubled[(stream, seq)] for seq in seqs)
            if seqs and None not in arrivals:
                last = max(at for at in arrivals if at is not None)
                latencies.append(last - change["began"])
                by_change[index].append(last - change["began"])
                after_return.append(last - change["returned"])
    events = sum(len(change["events"][stream]) for change in changes)
    figures = percentiles(latencies)
    figures["after_call_returned_p50_ms"] = percentiles(after_return).get("p50_ms")
    figures["p95_ms_of_each_change"] = [percentiles(times).get("p95_ms") for times in by_change]
    return {"pages": len(pages), "events": events, "lost": lost, "doubled": doubled, "reloads": reloads, **figures}


def pg_sessions(database_url: str) -> int:
    """Sessions PostgreSQL opened on the bench database so far (pg_stat_database, PostgreSQL 14+)."""
    from django.db import connection

    name = database_url.rsplit("/", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", [name])
        row = cursor.fetchone()
    return int(row[0]) if row else -1


async def run(
    args: argparse.Namespace, facts: dict[str, Any], env: dict[str, str], database_url: str
) -> dict[str, Any]:
    log = ROOT / "bench" / "out" / "live_load-uvicorn.log"
    server = Uvicorn(env, args.workers, log)
    loop = asyncio.get_running_loop()
    client = Http(server.port)
    results: dict[str, Any] = {"server_command": " ".join(server.command[1:]), "workers": args.workers}
    db = ThreadPoolExecutor(1)  # this process's Django: the changes and the bookkeeping, one at a time
    try:
        results["rss_idle_mib"] = server.rss_mib()
        watched = facts["tickets"][0]
        agents = facts["agents"]
        pages = []
        for index in range(args.pages):
            agent = agents[index % len(agents)]
            page_stream = f"ticket:{watched}" if index < args.watchers else f"queue:team:{facts['team_id']}"
            pages.append(Page(agent["cookie"], [f"user:{agent['id']}", page_stream]))
        holder = Pages()
        ws_url = server.url.replace("http://", "ws://") + "/ws/live/"
        ready = asyncio.Semaphore(0)
        cpu_before = group_cpu_seconds(server.process.pid)
        began = time.perf_counter()
        holders = []
        for index, page in enumerate(pages):
            holders.append(asyncio.create_task(holder.hold(ws_url, page, ready)))
            if index % args.connect_batch == args.connect_batch - 1 or index == len(pages) - 1:
                for _ in range(index % args.connect_batch + 1):
                    await asyncio.wait_for(ready.acquire(), WAIT * 2)
        connect_s = time.perf_counter() - began
        results["sockets"] = {
            "subscribed": holder.subscribed,
            "failed": dict(holder.failed),
            "connect_seconds": round(connect_s, 1),
            "pages_per_second": round(holder.subscribed / connect_s, 1),
            "server_cpu_ms_per_page": round(
                (group_cpu_seconds(server.process.pid) - cpu_before) * 1000 / max(holder.subscribed, 1), 1
            ),
        }
        await asyncio.sleep(2)  # let the server settle before reading its memory
        held_rss = server.rss_mib()
        results["rss_with_sockets_mib"] = held_rss
        results["rss_per_socket_kib"] = round(
            (held_rss - results["rss_idle_mib"]) * 1024 / max(holder.subscribed, 1), 1
        )
        if holder.subscribed < len(pages):
            raise RuntimeError(f"only {holder.subscribed} of {len(pages)} pages subscribed: {results}")

        changer = Changer(watched, facts["team_id"], [agent["id"] for agent in agents])
        health: list[float] = []
        probes = ThreadPoolExecutor(4)

        def probe() -> None:
            began = time.perf_counter()
            status, _answer = client.request("GET", "/healthz")
            if status != 200:
                raise RuntimeError(f"/healthz answered {status}")
            health.append(time.perf_counter() - began)

        # Warm up this process's service calls and the probe (imports, first queries) off the watched streams.
        warm = facts["warm_up"]
        for n in range(len(KINDS)):
            await loop.run_in_executor(db, Changer(warm["ticket"], warm["team_id"], [warm["agent_id"]]).change, n)
        await loop.run_in_executor(probes, probe)
        health.clear()
        sessions_before = await loop.run_in_executor(db, pg_sessions, database_url)
        cpu_before = group_cpu_seconds(server.process.pid)
        futures = []
        tick = 1 / args.rate
        start = time.perf_counter()
        for n in range(args.changes):
            await asyncio.sleep(max(0.0, start + n * tick - time.perf_counter()))
            futures.append(loop.run_in_executor(db, changer.change, n))
            futures.append(loop.run_in_executor(probes, probe))
        done = await asyncio.wait_for(asyncio.gather(*futures), WAIT + args.changes * 5)
        changes = [item for item in done if isinstance(item, dict)]
        expected = {
            stream: [(stream, seq) for c in changes for seq in c["events"][stream]] for stream in changer.streams
        }
        deadline = time.perf_counter() + args.drain
        drained = False
        while not drained and time.perf_counter() < deadline:
            await asyncio.sleep(0.2)
            drained = all(all(key in page.arrived for key in expected[page.streams[1]]) for page in pages)
        changes_s = time.perf_counter() - start
        await asyncio.sleep(1)  # anything heard twice arrives by now
        server_cpu = group_cpu_seconds(server.process.pid) - cpu_before
        sessions_after = await loop.run_in_executor(db, pg_sessions, database_url)
        results["rss_after_changes_mib"] = server.rss_mib()
        calls = [change["returned"] - change["began"] for change in changes]
        results["changes"] = {
            "made": len(changes),
            "rate_per_s": args.rate,
            "kinds": dict(Counter(change["kind"] for change in changes)),
            "call": percentiles(calls),
            "seconds_until_all_delivered": round(changes_s, 1) if drained else None,
            "server_cpu_s": round(server_cpu, 1),
            "server_cpu_ms_per_change": round(server_cpu * 1000 / max(len(changes), 1), 1),
            "pg_sessions_opened": sessions_after - sessions_before,
            "sockets_closed_meanwhile": holder.closed,
        }
        watchers = pages[: args.watchers]
        results["ticket_to_watchers"] = deliveries(changes, watchers, changer.streams[0])
        results["queue_row_to_queue_pages"] = deliveries(changes, pages[args.watchers :], changer.streams[1])
        results["healthz_round_trip"] = percentiles(health)
        results["load"] = load_average()
        holder.stop.set()
        await asyncio.wait_for(asyncio.gather(*holders, return_exceptions=True), WAIT)
        probes.shutdown()
    finally:
        server.stop()
        db.shutdown()
    return results


def markdown(results: dict[str, Any]) -> str:
    r, sockets, changes = results, results["sockets"], results["changes"]
    ticket, queue = r["ticket_to_watchers"], r["queue_row_to_queue_pages"]

    def spread(f: dict[str, Any]) -> str:
        if not f.get("n"):
            return "none arrived"
        return f"p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms, p99 {f['p99_ms']} ms, max {f['max_ms']} ms"

    def faults(f: dict[str, Any]) -> str:
        return f"{f['lost']} / {f['doubled']} / {f['reloads']} (of {f['events'] * f['pages']:,})"

    rows = [
        (
            "pages opened and subscribed",
            f"{sockets['subscribed']:,} of {r['pages']:,} in {sockets['connect_seconds']} s "
            f"({sockets['server_cpu_ms_per_page']} ms server CPU a page), failed: {sockets['failed'] or 'none'}",
        ),
        (
            "server resident memory: idle / with the pages held / after the changes",
            f"{r['rss_idle_mib']} / {r['rss_with_sockets_mib']} / {r['rss_after_changes_mib']} MiB "
            f"({r['rss_per_socket_kib']} KiB a page)",
        ),
        (f"change → each of the {ticket['pages']} watching pages ({ticket.get('n', 0)} pairs)", spread(ticket)),
        (f"change → its queue row on each of the {queue['pages']} queue pages", spread(queue)),
        ("the service call itself", spread(changes["call"])),
        ("`/healthz` round trip at the same ticks", spread(r["healthz_round_trip"])),
        ("events lost / doubled / reloads: watching pages", faults(ticket)),
        ("events lost / doubled / reloads: queue pages", faults(queue)),
        (
            "server CPU during the changes",
            f"{changes['server_cpu_s']} s, {changes['server_cpu_ms_per_change']} ms a change",
        ),
        ("PostgreSQL sessions opened during the changes", f"{changes['pg_sessions_opened']:,}"),
        (
            "changes; all delivered after",
            f"{changes['made']} at {changes['rate_per_s']}/s; {changes['seconds_until_all_delivered']} s",
        ),
    ]
    return "| figure | value |\n|---|---|\n" + "\n".join(f"| {label} | {value} |" for label, value in rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--watchers", type=int, default=200, help="pages watching the one changed ticket")
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0, help="changes a second")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=20)
    parser.add_argument("--connect-batch", type=int, default=100)
    parser.add_argument("--drain", type=float, default=60.0, help="seconds to wait for the last deliveries")
    args = parser.parse_args()
    if not 0 < args.watchers <= args.pages:
        parser.error("--watchers must be between 1 and --pages")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 4 * args.pages + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))  # the server inherits it
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    began = time.perf_counter()
    facts = prepare(database_url, redis_url, agents=args.agents, tickets=args.tickets)
    env = chat_env(database_url, redis_url)
    results: dict[str, Any] = {
        "machine": machine(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "pages": args.pages,
        "watchers": args.watchers,
        "agents": args.agents,
        "conn_max_age": env["CONN_MAX_AGE"],
        "open_files_limit": wanted,
        "migrate_s": facts["migrate_s"],
    }
    try:
        results.update(asyncio.run(run(args, facts, env, database_url)))
    finally:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    results["total_s"] = round(time.perf_counter() - began, 1)
    out = ROOT / "bench" / "out" / "live_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(markdown(results))


if __name__ == "__main__":
    main()
