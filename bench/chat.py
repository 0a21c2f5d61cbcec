"""The chat widget's websockets under load: 1,000 visitors with the widget open on one uvicorn.

    .venv/bin/python bench/chat.py [--visitors 1000] [--messages 200] [--rate 10] [--workers 1]

Makes a fresh benchmark database (DATABASE_URL, default helpdesk_bench_chat: dropped, created,
migrated) with a team, an agent on shift and a chat site; serves the product with uvicorn
(helpdesk.asgi, `--ws websockets`, DEBUG off and production settings as bench/web_load.py, plain
HTTP on 127.0.0.1); starts every conversation over HTTP (`POST start`, as the widget does), then holds
one websocket per conversation open in this process (asyncio, the `websockets` client) and measures:

- the server's resident memory before the sockets and with all of them held;
- for `--messages` messages spread over the conversations at `--rate` a second, half of them agent
  replies (tickets.services.message_add_reply called here, in a thread) and half visitor sends
  (`POST messages`), the time from the start of the call to the message event's arrival on the
  visitor's socket, p50/p95/p99, and whether each came exactly once;
- in the same run and at the same rate, the HTTP round trip of `/healthz` (one query), the floor
  the ratios are given against.

No Celery worker runs: the queue announcements the services enqueue wait in the bench's Redis
database, which is emptied before and after. Prints the results as JSON and writes them to
bench/out/chat.json. Bounded: every wait has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.loadlib import ROOT, django_on_bench, free_port, load_average, machine, wait_http
from bench.web_load import server_env

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench_chat"
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"  # the bench's own Redis database: flushed before and after
KEY = "bench-chat"
WAIT = 30.0


def chat_env(database_url: str, redis_url: str) -> dict[str, str]:
    env = server_env(database_url)
    env.update(
        REDIS_URL=redis_url,
        CACHE_URL=redis_url.replace("redis://", "rediscache://", 1),
        CELERY_BROKER_URL=redis_url,
        # One machine plays 1,000 visitors from one address: the per-address limits would refuse them.
        CHAT_STARTS_PER_IP_HOUR="1000000",
        CHAT_MESSAGES_PER_IP_MINUTE="1000000",
        # Under ASGI each request runs in a thread of its own: a persistent connection (the default
        # CONN_MAX_AGE of 60) is left open by every such thread, and PostgreSQL's 100 connections
        # run out after some hundred chat starts (500s: "too many clients already"). Django's advice
        # for ASGI: no persistent connections.
        CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "0"),
    )
    return env


def prepare(database_url: str, redis_url: str, *, fresh: bool) -> dict[str, Any]:
    """Django in this process on the bench database: migrated, with a team, its agent on shift and a chat site."""
    migrate_s = django_on_bench(chat_env(database_url, redis_url), fresh=fresh)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from chat.models import ChatSite
    from helpdesk import roles
    from tickets.models import AgentProfile, Team

    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench", "is_default": True})
    agent, created = get_user_model().objects.get_or_create(
        username="chat-bench-agent", defaults={"first_name": "Anna", "last_name": "Berg", "is_staff": True}
    )
    if created:
        roles.ensure_groups()
        agent.groups.add(Group.objects.get(name=roles.AGENT_GROUP))
        AgentProfile.objects.create(user=agent, team=team, tier="L1", languages=["en"], on_shift=True)
    ChatSite.objects.update_or_create(public_key=KEY, defaults={"name": "Bench shop", "team": team})
    return {"agent_id": agent.pk, "migrate_s": round(migrate_s, 1)}


class Uvicorn:
    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--ws", "websockets", "--log-level", "warning", "--workers", str(workers)]
        command += ["--backlog", "4096"]
        self.command = command
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_http(self.url + "/healthz")

    def rss_mib(self) -> float:
        """Resident memory of every process of the server (the workers and their parent, if any)."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[2]) != self.process.pid:
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, ValueError):
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return round(total / 1024, 1)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class Http:
    """Keep-alive HTTP to the server, one connection a thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str = ""
    ) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json", "Accept-Language": "en"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(3):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
            try:
                connection.request(method, path, data, headers)
                response = connection.getresponse()
                raw = response.read()
                return response.status, json.loads(raw) if raw.startswith(b"{") else {}
            except (http.client.HTTPException, OSError):
                connection.close()
                self.local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def start_conversations(client: Http, count: int, threads: int) -> tuple[list[dict[str, Any]], list[float]]:
    def start(n: int) -> tuple[dict[str, Any], float]:
        began = time.perf_counter()
        status, answer = client.request(
            "POST",
            f"/chat/api/{KEY}/start",
            {
                "name": f"Visitor {n}",
                "email": f"visitor{n}@bench.example.com",
                "language": "en",
                "body": f"Hello, this is visitor {n}.",
                "client_id": str(uuid.uuid4()),
            },
        )
        if status != 201:
            raise RuntimeError(f"start {n} answered {status}: {answer}")
        return {"token": answer["token"], "id": answer["conversation"]["id"], "seq": answer["conversation"]["seq"]}, (
            time.perf_counter() - began
        )

    with ThreadPoolExecutor(threads) as pool:
        done = list(pool.map(start, range(count)))
    return [c for c, _ in done], [s for _, s in done]


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {
        "n": len(values),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
        "mean_ms": round(statistics.mean(values) * 1000, 1),
    }


class Visitors:
    """Every visitor's socket, and when each message body arrived on it (and how often)."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.times_heard: Counter[str] = Counter()
        self.subscribed = 0
        self.failed: Counter[str] = Counter()
        self.closed = 0
        self.stop = asyncio.Event()

    async def hold(self, url: str, conversation: dict[str, Any], ready: asyncio.Semaphore) -> None:
        from websockets.asyncio.client import connect

        counted = False
        try:
            async with connect(
                url, origin=url.replace("ws://", "http://").rsplit("/ws/", 1)[0], proxy=None, open_timeout=WAIT
            ) as ws:
                await ws.send(json.dumps({"token": conversation["token"], "after": conversation["seq"]}))
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
                    if frame.get("subscribed"):
                        break
                self.subscribed += 1
                counted = True
                ready.release()
                reader = asyncio.create_task(self._read(ws))
                await self.stop.wait()
                reader.cancel()
        except Exception as error:
            self.failed[type(error).__name__] += 1
            if not counted:
                ready.release()

    async def _read(self, ws: Any) -> None:
        try:
            async for raw in ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                if frame.get("kind") == "message":
                    body = frame["payload"]["body"]
                    self.times_heard[body] += 1
                    self.arrived.setdefault(body, now)
        except Exception:
            self.closed += 1


def agent_reply(agent_id: int, conversation_id: int, body: str) -> int:
    from django.contrib.auth import get_user_model
    from django.db import close_old_connections

    from chat.models import ChatConversation
    from tickets.services import message_add_reply

    close_old_connections()
    ticket = ChatConversation.objects.select_related("ticket").get(pk=conversation_id).ticket
    agent = get_user_model().objects.get(pk=agent_id)
    return message_add_reply(ticket=ticket, author=agent, body=body).pk


async def run(args: argparse.Namespace, facts: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    log = ROOT / "bench" / "out" / "chat-uvicorn.log"
    server = Uvicorn(env, args.workers, log)
    loop = asyncio.get_running_loop()
    client = Http(server.port)
    results: dict[str, Any] = {"server_command": " ".join(server.command[1:]), "workers": args.workers}
    try:
        results["rss_idle_mib"] = server.rss_mib()
        began = time.perf_counter()
        conversations, start_times = await asyncio.to_thread(
            start_conversations, client, args.visitors, args.start_threads
        )
        results["starts"] = {
            "count": len(conversations),
            "seconds": round(time.perf_counter() - began, 1),
            **percentiles(start_times),
        }
        results["rss_before_sockets_mib"] = server.rss_mib()

        visitors = Visitors()
        ws_url = server.url.replace("http://", "ws://") + "/ws/chat/"
        ready = asyncio.Semaphore(0)
        began = time.perf_counter()
        holders = []
        for index, conversation in enumerate(conversations):
            holders.append(asyncio.create_task(visitors.hold(ws_url, conversation, ready)))
            if index % args.connect_batch == args.connect_batch - 1:
                for _ in range(args.connect_batch):
                    await asyncio.wait_for(ready.acquire(), WAIT * 2)
        for _ in range(len(conversations) % args.connect_batch):
            await asyncio.wait_for(ready.acquire(), WAIT * 2)
        results["sockets"] = {
            "subscribed": visitors.subscribed,
            "failed": dict(visitors.failed),
            "connect_seconds": round(time.perf_counter() - began, 1),
        }
        await asyncio.sleep(2)  # let the server settle before reading its memory
        held_rss = server.rss_mib()
        results["rss_with_sockets_mib"] = held_rss
        results["rss_per_socket_kib"] = round(
            (held_rss - results["rss_before_sockets_mib"]) * 1024 / max(visitors.subscribed, 1), 1
        )
        if visitors.subscribed < len(conversations):
            raise RuntimeError(f"only {visitors.subscribed} of {len(conversations)} sockets subscribed: {results}")

        # The messages, at a steady rate, each to another conversation; a /healthz probe at the same ticks.
        chosen = random.Random(7).sample(range(len(conversations)), min(args.messages, len(conversations)))
        sent: dict[str, tuple[str, float]] = {}  # body -> (kind, when the call began)
        call_times: dict[str, list[float]] = {"agent": [], "visitor": []}
        answered: dict[str, float] = {}  # body -> when the call returned (committed, doorbell rung)
        health: list[float] = []
        pool = ThreadPoolExecutor(8)

        def visitor_send(conversation: dict[str, Any], body: str) -> None:
            began = time.perf_counter()
            status, answer = client.request(
                "POST",
                f"/chat/api/{KEY}/messages",
                {"client_id": str(uuid.uuid4()), "body": body},
                token=conversation["token"],
            )
            if status != 201:
                raise RuntimeError(f"send answered {status}: {answer}")
            answered[body] = time.perf_counter()
            call_times["visitor"].append(answered[body] - began)

        def reply(conversation: dict[str, Any], body: str) -> None:
            began = time.perf_counter()
            agent_reply(facts["agent_id"], conversation["id"], body)
            answered[body] = time.perf_counter()
            call_times["agent"].append(answered[body] - began)

        def probe() -> None:
            began = time.perf_counter()
            status, _answer = client.request("GET", "/healthz")
            if status != 200:
                raise RuntimeError(f"/healthz answered {status}")
            health.append(time.perf_counter() - began)

        futures = []
        tick = 1 / args.rate
        start = time.perf_counter()
        for n, index in enumerate(chosen):
            await asyncio.sleep(max(0.0, start + n * tick - time.perf_counter()))
            conversation = conversations[index]
            kind = "agent" if n % 2 == 0 else "visitor"
            body = f"bench {kind} message {n} to conversation {conversation['id']}"
            sent[body] = (kind, time.perf_counter())
            futures.append(loop.run_in_executor(pool, reply if kind == "agent" else visitor_send, conversation, body))
            futures.append(loop.run_in_executor(pool, probe))
        await asyncio.gather(*futures)
        deadline = time.perf_counter() + WAIT
        while len(set(sent) & set(visitors.arrived)) < len(sent) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)  # anything heard twice arrives by now
        results["rss_after_messages_mib"] = server.rss_mib()
        latencies: dict[str, list[float]] = {"agent": [], "visitor": []}
        after_call: dict[str, list[float]] = {"agent": [], "visitor": []}  # may be < 0: heard before the answer
        for body, (kind, began) in sent.items():
            if body in visitors.arrived:
                latencies[kind].append(visitors.arrived[body] - began)
                after_call[kind].append((visitors.arrived[body] - answered[body]) * 1000)
        results["messages"] = {
            "sent": len(sent),
            "rate_per_s": args.rate,
            "missing": [body for body in sent if body not in visitors.arrived],
            "heard_twice": [body for body in sent if visitors.times_heard[body] > 1],
            "sockets_closed_meanwhile": visitors.closed,
        }
        healthz = percentiles(health)
        results["healthz_round_trip"] = healthz
        for kind, label in (("agent", "agent_reply_to_socket"), ("visitor", "visitor_send_to_own_socket")):
            figures = percentiles(latencies[kind])
            figures["call_p50_ms"] = percentiles(call_times[kind]).get("p50_ms")
            figures["heard_after_call_returned_p50_ms"] = round(statistics.median(after_call[kind]), 1)
            if figures and healthz:
                figures["p50_vs_healthz_p50"] = round(figures["p50_ms"] / healthz["p50_ms"], 1)
                figures["p95_vs_healthz_p95"] = round(figures["p95_ms"] / healthz["p95_ms"], 1)
            results[label] = figures
        results["load"] = load_average()
        visitors.stop.set()
        await asyncio.wait_for(asyncio.gather(*holders, return_exceptions=True), WAIT)
        pool.shutdown()
    finally:
        server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="messages a second")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--start-threads", type=int, default=8)
    parser.add_argument("--connect-batch", type=int, default=100)
    parser.add_argument("--keep-db", action="store_true", help="reuse the bench database as it is")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 4 * args.visitors + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))  # the server inherits it
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    began = time.perf_counter()
    facts = prepare(database_url, redis_url, fresh=not args.keep_db)
    env = chat_env(database_url, redis_url)
    results: dict[str, Any] = {
        "machine": machine(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "visitors": args.visitors,
        "open_files_limit": wanted,
        "migrate_s": facts["migrate_s"],
    }
    try:
        results.update(asyncio.run(run(args, facts, env)))
    finally:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    results["total_s"] = round(time.perf_counter() - began, 1)
    out = ROOT / "bench" / "out" / "chat.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
