"""The agents' live pages under load: 2,000 open pages on one uvicorn, a ticket watched by 200 of them.

    .venv/bin/python bench/live_load.py [--pages 2000] [--watchers 200] [--teams 10] [--changes 100] [--workers 1]

A fresh database (DATABASE_URL, default helpdesk_bench_live) with `--teams` teams, `--agents` agents spread
over them, signed in (SessionStore); the product served by uvicorn as bench/chat.py does (helpdesk.asgi,
`--ws websockets`, DEBUG off, production settings; more workers share the doorbells through Redis). This process
opens `--pages` websockets to `/ws/live/` (asyncio, the `websockets` client), spread over the agents, and
subscribes each as static/js/live.js does: `user:<id>` (its bell) and, for the `--watchers` pages (agents
of team 1), the ticket page's `ticket:<id>` of one ticket of team 1; for the others their own team's
queue page, `queue:team:<id>`. It measures the server's memory and the connect time; for `--changes`
changes of the watched ticket at `--rate` a second (priority, note, assignment, reply: tickets.services in
a thread here), the time from the start of the call to the arrival of the change's last event on each
watching page, and on each queue page of team 1 (every event checked by its stream number: lost, doubled);
`/healthz` at the same ticks; the server's CPU and the PostgreSQL sessions opened meanwhile.

No Celery worker runs; Redis database BENCH_REDIS_URL (default 12) is emptied before and after. Writes
bench/out/live_load.json, prints a Markdown table. Bounded: every wait has a timeout.
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
from bench.chat import Http, Uvicorn, chat_env, percentiles
from bench.loadlib import ROOT, django_on_bench, group_cpu_seconds, load_average, machine

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench_live"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"  # the bench's own Redis database: flushed before and after
WAIT = 30.0
KINDS = ("priority", "note", "assign", "reply")


def prepare(database_url: str, redis_url: str, *, agents: int, teams: int) -> dict[str, Any]:
    """Django in this process on a fresh bench database: the teams, their agents signed in, two tickets."""
    migrate_s = django_on_bench(chat_env(database_url, redis_url), fresh=True)
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.utils.module_loading import import_string

    from helpdesk import roles
    from tickets.models import AgentProfile, Channel, Customer, Team
    from tickets.services import ticket_create

    roles.ensure_groups()
    crews = [Team.objects.create(slug=f"bench-{n}", name=f"Bench {n}", is_default=n == 1) for n in range(1, teams + 1)]
    warm_team = Team.objects.create(slug="warm-up", name="Warm-up")  # for the warm-up changes: nobody watches it
    group, store = Group.objects.get(name=roles.AGENT_GROUP), import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    people = []
    for n in range(agents + 1):
        agent = get_user_model().objects.create_user(f"live-agent-{n}", f"agent{n}@bench.example.com", None)
        agent.groups.add(group)
        team = crews[n % teams] if n < agents else warm_team
        AgentProfile.objects.create(user=agent, team=team, tier="L1", languages=["en"], on_shift=True)
        session = store()
        session.update({SESSION_KEY: str(agent.pk), HASH_SESSION_KEY: agent.get_session_auth_hash()})
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session.create()
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        people.append({"id": agent.pk, "cookie": cookie, "team_id": team.pk})
    tickets = []
    for n, team in enumerate((crews[0], warm_team)):
        customer = Customer.objects.create(name=f"Customer {n}", email=f"customer{n}@bench.example.com")
        body, subject = "Where is my parcel?", f"Parcel {n} late"
        tickets.append(ticket_create(customer=customer, subject=subject, body=body, channel=Channel.WEB, team=team).pk)
    warm_up = {"ticket": tickets[1], "team_id": warm_team.pk, "agent_id": people.pop()["id"]}
    return {"agents": people, "team_id": crews[0].pk, "ticket": tickets[0], "warm_up": warm_up, "migrate_s": migrate_s}


class Page:
    """One agent page's socket: its streams, and when each numbered event arrived (and how often)."""

    def __init__(self, cookie: str, streams: list[str]) -> None:
        self.cookie, self.streams = cookie, streams
        self.arrived: dict[tuple[str, int], float] = {}
        self.doubled: Counter[tuple[str, int]] = Counter()
        self.reloads = 0

    def heard(self, frame: dict[str, Any], now: float) -> None:
        if frame.get("reload"):
            self.reloads += 1
        elif isinstance(frame.get("seq"), int) and "kind" in frame:
            key = (frame["stream"], frame["seq"])
            self.doubled[key] += key in self.arrived
            self.arrived.setdefault(key, now)


class Pages:
    def __init__(self) -> None:
        self.subscribed = self.closed = 0
        self.failed: Counter[str] = Counter()
        self.stop = asyncio.Event()

    async def hold(self, url: str, page: Page, ready: asyncio.Semaphore) -> None:
        from websockets.asyncio.client import connect

        counted = False
        try:
            origin, headers = url.replace("ws://", "http://").rsplit("/ws/", 1)[0], {"Cookie": page.cookie}
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
    """The changes to one ticket, through the services, in one thread of this process."""

    def __init__(self, ticket_id: int, team_id: int, agent_ids: list[int]) -> None:
        self.ticket_id, self.agent_ids = ticket_id, agent_ids
        self.streams = (f"ticket:{ticket_id}", f"queue:team:{team_id}")
        self.last: dict[str, int] = {}

    def newest(self) -> dict[str, int]:
        from workspace.live.streams import newest_seq

        return {stream: newest_seq(stream) for stream in self.streams}

    def change(self, n: int) -> dict[str, Any]:
        from django.contrib.auth import get_user_model

        from tickets import services
        from tickets.models import Ticket

        self.last = self.last or self.newest()
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
    by_change: list[list[float]] = [[] for _change in changes]
    lost = doubled = 0
    for page in pages:
        for index, change in enumerate(changes):
            seqs = change["events"][stream]
            arrivals = [page.arrived.get((stream, seq)) for seq in seqs]
            lost += arrivals.count(None)
            doubled += sum(page.doubled[(stream, seq)] for seq in seqs)
            if seqs and None not in arrivals:
                last = max(at for at in arrivals if at is not None)
                latencies.append(last - change["began"])
                by_change[index].append(last - change["began"])
    figures: dict[str, Any] = {"pages": len(pages), "lost": lost, "doubled": doubled, **percentiles(latencies)}
    figures["events"] = sum(len(change["events"][stream]) for change in changes)
    figures["reloads"] = sum(page.reloads for page in pages)
    figures["p95_ms_of_each_change"] = [percentiles(times).get("p95_ms") for times in by_change]
    return figures


def pg_sessions(database_url: str) -> int:
    """Sessions PostgreSQL opened on the bench database so far (pg_stat_database, PostgreSQL 14+)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", [database_url.rsplit("/", 1)[1]])
        row = cursor.fetchone()
    return int(row[0]) if row else -1


def plan(args: argparse.Namespace, facts: dict[str, Any]) -> list[Page]:
    """The watchers first (agents of the watched ticket's team), then each other page on its agent's team queue."""
    agents, watched = facts["agents"], facts["ticket"]
    own = [agent for agent in agents if agent["team_id"] == facts["team_id"]]
    pages = []
    for index in range(args.pages):
        agent = own[index % len(own)] if index < args.watchers else agents[index % len(agents)]
        stream = f"ticket:{watched}" if index < args.watchers else f"queue:team:{agent['team_id']}"
        pages.append(Page(agent["cookie"], [f"user:{agent['id']}", stream]))
    return pages


async def open_pages(args: argparse.Namespace, server: Uvicorn, pages: list[Page], holder: Pages) -> list[Any]:
    """Open and subscribe the pages, `--connect-batch` at a time."""
    url, ready = server.url.replace("http://", "ws://") + "/ws/live/", asyncio.Semaphore(0)
    holders = []
    for index, page in enumerate(pages):
        holders.append(asyncio.create_task(holder.hold(url, page, ready)))
        if index % args.connect_batch == args.connect_batch - 1 or index == len(pages) - 1:
            for _ in range(index % args.connect_batch + 1):
                await asyncio.wait_for(ready.acquire(), WAIT * 2)
    return holders


async def run(
    args: argparse.Namespace, facts: dict[str, Any], env: dict[str, str], database_url: str
) -> dict[str, Any]:
    server = Uvicorn(env, args.workers, ROOT / "bench" / "out" / "live_load-uvicorn.log")
    loop, client = asyncio.get_running_loop(), Http(server.port)
    results: dict[str, Any] = {"server_command": " ".join(server.command[1:]), "rss_idle_mib": server.rss_mib()}
    db, probes = ThreadPoolExecutor(1), ThreadPoolExecutor(4)  # this process's Django: one call at a time
    try:
        pages, holder = plan(args, facts), Pages()
        cpu_before, began = group_cpu_seconds(server.process.pid), time.perf_counter()
        holders = await open_pages(args, server, pages, holder)
        connect_s = time.perf_counter() - began
        cpu_ms = (group_cpu_seconds(server.process.pid) - cpu_before) * 1000 / max(holder.subscribed, 1)
        results["sockets"] = {"subscribed": holder.subscribed, "failed": dict(holder.failed)}
        results["sockets"].update(connect_seconds=round(connect_s, 1), server_cpu_ms_per_page=round(cpu_ms, 1))
        await asyncio.sleep(2)  # let the server settle before reading its memory
        results["rss_with_sockets_mib"] = server.rss_mib()
        if holder.subscribed < len(pages):
            raise RuntimeError(f"only {holder.subscribed} of {len(pages)} pages subscribed: {results}")
        team_agents = [agent["id"] for agent in facts["agents"] if agent["team_id"] == facts["team_id"]]
        changer = Changer(facts["ticket"], facts["team_id"], team_agents)
        health: list[float] = []

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
        cpu_before, start, futures = group_cpu_seconds(server.process.pid), time.perf_counter(), []
        for n in range(args.changes):
            await asyncio.sleep(max(0.0, start + n / args.rate - time.perf_counter()))
            futures += [loop.run_in_executor(db, changer.change, n), loop.run_in_executor(probes, probe)]
        done = await asyncio.wait_for(asyncio.gather(*futures), WAIT + args.changes * 5)
        changes = [item for item in done if isinstance(item, dict)]
        expected = {
            stream: [(stream, seq) for c in changes for seq in c["events"][stream]] for stream in changer.streams
        }
        deadline, drained = time.perf_counter() + args.drain, False
        while not drained and time.perf_counter() < deadline:
            await asyncio.sleep(0.2)
            drained = all(key in page.arrived for page in pages for key in expected.get(page.streams[1], []))
        changes_s = time.perf_counter() - start
        await asyncio.sleep(1)  # anything heard twice arrives by now
        server_cpu = group_cpu_seconds(server.process.pid) - cpu_before
        sessions = await loop.run_in_executor(db, pg_sessions, database_url) - sessions_before
        results["rss_after_changes_mib"] = server.rss_mib()
        results["changes"] = {
            "made": len(changes),
            "kinds": dict(Counter(change["kind"] for change in changes)),
            "call": percentiles([change["returned"] - change["began"] for change in changes]),
            "seconds_until_all_delivered": round(changes_s, 1) if drained else None,
            "server_cpu_s": round(server_cpu, 1),
            "server_cpu_ms_per_change": round(server_cpu * 1000 / max(len(changes), 1), 1),
            "pg_sessions_opened": sessions,
            "sockets_closed_meanwhile": holder.closed,
        }
        results["ticket_to_watchers"] = deliveries(changes, pages[: args.watchers], changer.streams[0])
        queue_pages = [page for page in pages[args.watchers :] if page.streams[1] == changer.streams[1]]
        results["queue_row_to_queue_pages"] = deliveries(changes, queue_pages, changer.streams[1])
        results["healthz_round_trip"] = percentiles(health)
        results["load"] = load_average()
        holder.stop.set()
        await asyncio.wait_for(asyncio.gather(*holders, return_exceptions=True), WAIT)
    finally:
        server.stop()
        db.shutdown()
        probes.shutdown()
    return results


def markdown(r: dict[str, Any]) -> str:
    sockets, changes, ticket, queue = r["sockets"], r["changes"], r["ticket_to_watchers"], r["queue_row_to_queue_pages"]

    def spread(f: dict[str, Any]) -> str:
        if not f.get("n"):
            return "none arrived"
        return f"p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms, p99 {f['p99_ms']} ms, max {f['max_ms']} ms ({f['n']:,})"

    def faults(f: dict[str, Any]) -> str:
        return f"{f['lost']} / {f['doubled']} / {f['reloads']} (of {f['events'] * f['pages']:,})"

    held = f"{sockets['subscribed']:,} of {r['pages']:,} in {sockets['connect_seconds']} s"
    cpu = f"{changes['server_cpu_s']} s, {changes['server_cpu_ms_per_change']} ms a change"
    rows = {
        "pages held": f"{held} ({sockets['server_cpu_ms_per_page']} ms CPU a page), failed: {sockets['failed'] or 0}",
        "server memory, MiB: idle / pages held / after": f"{r['rss_idle_mib']} / {r['rss_with_sockets_mib']} / "
        f"{r['rss_after_changes_mib']}",
        f"change → each of the {ticket['pages']} watching pages": spread(ticket),
        f"change → each of the {queue['pages']} queue pages of its team": spread(queue),
        "the service call": spread(changes["call"]),
        "`/healthz` at the same ticks (the floor)": spread(r["healthz_round_trip"]),
        "lost / doubled / reloads: watching pages": faults(ticket),
        "lost / doubled / reloads: queue pages": faults(queue),
        "server CPU during the changes": cpu,
        "PostgreSQL sessions opened during the changes": f"{changes['pg_sessions_opened']:,}",
        "all delivered after": f"{changes['seconds_until_all_delivered']} s ({changes['made']} changes)",
        "load average at the end": r["load"],
    }
    return "| figure | value |\n|---|---|\n" + "\n".join(f"| {label} | {value} |" for label, value in rows.items())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--watchers", type=int, default=200, help="pages watching the one changed ticket")
    parser.add_argument("--teams", type=int, default=10, help="teams the agents and their pages are spread over")
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0, help="changes a second")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--connect-batch", type=int, default=100)
    parser.add_argument("--drain", type=float, default=60.0, help="seconds to wait for the last deliveries")
    args = parser.parse_args()
    if not 0 < args.watchers <= args.pages or not 0 < args.teams <= args.agents:
        parser.error("--watchers must be between 1 and --pages, --teams between 1 and --agents")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 4 * args.pages + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))  # the server inherits it
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    began = time.perf_counter()
    facts = prepare(database_url, redis_url, agents=args.agents, teams=args.teams)
    env = chat_env(database_url, redis_url)
    results: dict[str, Any] = {"machine": machine(), "command": " ".join([Path(sys.executable).name, *sys.argv])}
    results.update(
        vars(args), conn_max_age=env["CONN_MAX_AGE"], open_files=wanted, migrate_s=round(facts["migrate_s"], 1)
    )
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
