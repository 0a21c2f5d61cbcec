"""Messaging webhook intake under load: WhatsApp, LINE and Telegram through the real endpoint under
gunicorn, a real Celery worker on Redis turning each message into a ticket's message.

    .venv/bin/python bench/messaging_webhooks.py                     # 3,000 deliveries per provider
    .venv/bin/python bench/messaging_webhooks.py --requests 1500 --providers line --mode separate

It creates and migrates its own database (helpdesk_bench_messaging; the tickets, customers and
messaging tables are emptied before each run), makes one account per provider, starts gunicorn on
a free 127.0.0.1 port and a Celery worker on a private queue of the local Redis, and sends signed
text messages in each provider's documented shape (as tests/messaging/payloads.py builds them) from
threads each holding a keep-alive connection: every tenth delivery repeats an earlier body byte for
byte (a provider's retry), and the messages go round --customers customers, so each customer's first
message opens a ticket and the next ones are threaded into it.

Nothing leaves the machine: the accounts' API and content base URLs (and the providers' default
ones) point to a closed loopback port, and text messages queue no media fetch and no reply (the
intake sends no acknowledgement on these channels); the run fails if any reply or fetch was queued.

Per provider, two runs by default: "separate" stores everything with no worker (the acceptance rate
alone), then starts the worker (the processing rate alone, from the events' processed_at);
"concurrent" runs the worker while deliveries arrive. A run ends when every event is processed and
the worker's queue is empty (each message also enqueues a refresh of its customer's profile); each
run has a queue of its own, deleted afterwards. It prints a table of deliveries accepted per second,
latencies, events processed per second (and with the follow-up tasks) and the CPU each side used,
and fails if an answer was not 200 or if a message was lost, stored twice or processed twice.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadlib import free_port, load_average, post_all  # noqa: E402 - after the path is set
from bench.webhooks import BIN, cpu_seconds, create_database, process_env, start, stop, wait_until  # noqa: E402

PROVIDERS = ("whatsapp", "line", "telegram")
SECRETS = {
    "whatsapp": "bench-wa-app-secret",
    "line": "bench-line-channel-secret",
    "telegram": "bench-tg-secret_token",
}
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench_messaging"
DEAD_API = "http://127.0.0.1:9"  # the discard port, closed here: a call would fail at once, never leave
WA_PHONE_ID = "106540352242922"
Post = tuple[str, bytes, dict[str, str]]  # path, body, headers


def dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _body(provider: str, run: str, number: int, customer: int) -> bytes:
    """The `number`th distinct message of a run, written by `customer`, as the provider sends it."""
    text = f"Hello, where is my order BENCH-{customer:06d}? Message {number} of this conversation test."
    now = int(time.time())
    if provider == "whatsapp":
        wa_id = f"4915{customer:09d}"
        message = {"from": wa_id, "id": f"wamid.{run}{number:010d}", "timestamp": str(now), "type": "text"}
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": WA_PHONE_ID},
            "contacts": [{"profile": {"name": f"Customer {customer}"}, "wa_id": wa_id}],
            "messages": [{**message, "text": {"body": text}}],
        }
        return dump(
            {
                "object": "whatsapp_business_account",
                "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
            }
        )
    if provider == "line":
        event = {
            "type": "message",
            "message": {"type": "text", "id": str(10**15 + number), "quoteToken": "q3Plxr4AgKd", "text": text},
            "webhookEventId": f"01{run.upper()}{number:016d}",
            "deliveryContext": {"isRedelivery": False},
            "timestamp": now * 1000,
            "source": {"type": "user", "userId": "U" + hashlib.md5(f"{customer}".encode()).hexdigest()},  # noqa: S324
            "replyToken": uuid.uuid4().hex,
            "mode": "active",
        }
        return dump({"destination": "U" + "0" * 32, "events": [event]})
    person = {"id": 7_000_000_000 + customer, "first_name": "Customer", "last_name": str(customer)}
    message = {
        "message_id": number,
        "from": {**person, "is_bot": False, "language_code": "en"},
        "chat": {**person, "type": "private"},
        "date": now,
        "text": text,
    }
    return dump({"update_id": 100_000_000 + number, "message": message})


def sign(provider: str, body: bytes) -> dict[str, str]:
    secret = SECRETS[provider].encode()
    if provider == "whatsapp":
        return {"X-Hub-Signature-256": "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()}
    if provider == "line":
        return {"x-line-signature": base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()}
    return {"X-Telegram-Bot-Api-Secret-Token": SECRETS[provider]}


def build_posts(provider: str, slug: str, count: int, customers: int, repeat_every: int) -> tuple[list[Post], int]:
    """`count` deliveries, every `repeat_every`th a repeat of an earlier one; and the distinct messages."""
    run = uuid.uuid4().hex[:8]
    path = f"/webhooks/messaging/{provider}/{slug}/"
    posts: list[Post] = []
    distinct = 0
    while len(posts) < count:
        if repeat_every and len(posts) % repeat_every == repeat_every - 1:
            posts.append(posts[len(posts) // 2])  # the provider's retry of an earlier delivery
            continue
        body = _body(provider, run, distinct, distinct % customers)
        distinct += 1
        posts.append((path, body, {"Content-Type": "application/json", **sign(provider, body)}))
    return posts, distinct


def prepare(provider: str) -> str:
    """Empty the tables the runs fill; a default team and one account for the provider. Its slug."""
    from django.db import connection

    from messaging.models import ChannelAccount
    from tickets.models import Team

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE messaging_inboundevent, messaging_outboundmessage, messaging_mediafetch, "
            "tickets_ticket, tickets_customer CASCADE"
        )
    Team.objects.get_or_create(slug="bench", defaults={"name": "Bench", "is_default": True})
    slug = f"bench-{provider}"
    ChannelAccount.objects.update_or_create(
        slug=slug,
        defaults={
            "provider": provider,
            "name": f"Bench {provider}",
            "webhook_secret": SECRETS[provider],
            "access_token": "bench-token-never-used",
            "sender_id": WA_PHONE_ID if provider == "whatsapp" else "",
            "api_base_url": DEAD_API,
            "content_base_url": DEAD_API if provider == "line" else "",
            "active": True,
        },
    )
    return slug


def event_counts(slug: str) -> dict[str, int]:
    from django.db.models import Count, Q

    from messaging.models import InboundEvent

    return InboundEvent.objects.filter(account__slug=slug).aggregate(
        stored=Count("pk"),
        waiting=Count("pk", filter=Q(processed_at__isnull=True)),
        failing=Count("pk", filter=Q(attempts__gt=0) | ~Q(error="")),
        messages=Count("message_id", distinct=True),
    )


def outcome(provider: str, slug: str) -> dict[str, Any]:
    """What the worker made of the events, and when it processed the last one."""
    from django.db.models import Max

    from messaging.models import InboundEvent, MediaFetch, OutboundMessage
    from tickets.models import Message, Ticket

    last = InboundEvent.objects.filter(account__slug=slug).aggregate(at=Max("processed_at"))["at"]
    return {
        **event_counts(slug),
        "last_processed": last.timestamp() if last else 0.0,
        "tickets": Ticket.objects.filter(channel=provider).count(),
        "customer_messages": Message.objects.filter(ticket__channel=provider, kind="customer").count(),
        "outbound": OutboundMessage.objects.count(),
        "media": MediaFetch.objects.count(),
    }


def queue_idle(queue: str, node: str) -> bool:
    """Nothing waiting in the worker's queue on Redis and nothing running or reserved in the worker."""
    import redis
    from django.conf import settings

    from helpdesk.celery import app

    if redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue):
        return False
    inspect = app.control.inspect(destination=[node], timeout=1)
    return not any((inspect.active() or {}).get(node, [1])) and not any((inspect.reserved() or {}).get(node, [1]))


def drop_queue(queue: str) -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(
        queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
    )


def run(args: argparse.Namespace, env: dict[str, str], provider: str, concurrent: bool) -> dict[str, Any]:
    """One provider's run on emptied tables and a queue of its own, the worker running while
    deliveries arrive or started once all are stored. Done when every event is processed and the
    work they enqueued (each message asks for its customer's profile to be refreshed) is done too."""
    from helpdesk.celery import app

    slug = prepare(provider)
    posts, distinct = build_posts(provider, slug, args.requests, args.customers, args.repeat_every)
    env = {**env, "CELERY_QUEUE": f"bench-messaging-{uuid.uuid4().hex[:8]}"}
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    node = f"{env['CELERY_QUEUE']}@127.0.0.1"
    web_options = f"--workers {args.gunicorn_workers} --worker-class gthread --threads {args.gunicorn_threads} "
    web_options += "--keep-alive 30 --backlog 2048 --log-level warning"
    web = start(
        [str(BIN / "gunicorn"), "helpdesk.wsgi:application", "--bind", f"127.0.0.1:{port}", *web_options.split()],
        env,
        out / "gunicorn-messaging.log",
    )
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    worker = None

    def start_worker() -> Any:
        options = f"-Q {env['CELERY_QUEUE']} -n {node} --concurrency {args.celery_concurrency} "
        options += "--without-gossip --without-mingle --loglevel WARNING"
        command = [str(BIN / "python"), "-m", "celery", "-A", "helpdesk", "worker", *options.split()]
        process = start(command, env, out / "celery-messaging.log")
        wait_until(lambda: bool(app.control.ping(destination=[node], timeout=0.5)), 60, "the Celery worker")
        return process

    def web_up() -> bool:
        import http.client

        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return True
        except (OSError, http.client.HTTPException):
            return False

    def events_done() -> bool:
        counts = event_counts(slug)
        return counts["failing"] > 0 or (counts["waiting"] == 0 and counts["stored"] >= distinct)

    try:
        wait_until(web_up, 60, "gunicorn")
        if concurrent:
            worker = start_worker()
        load = load_average()
        web_cpu, db_cpu = cpu_seconds(pgid=web.pid), cpu_seconds(title=database)
        worker_cpu = cpu_seconds(pgid=worker.pid) if worker else 0.0
        began, began_at, client_cpu = time.perf_counter(), time.time(), time.process_time()
        statuses, latencies = post_all(port, posts, args.clients)
        sent, client_cpu = time.perf_counter() - began, time.process_time() - client_cpu
        web_cpu = cpu_seconds(pgid=web.pid) - web_cpu
        backlog = event_counts(slug)["waiting"]
        if worker is None:
            worker = start_worker()
            worker_cpu = cpu_seconds(pgid=worker.pid)  # its start-up is not the events' cost
            began, began_at = time.perf_counter(), time.time()  # the worker's work starts now
        wait_until(events_done, args.timeout, "the worker to process the events")
        wait_until(lambda: queue_idle(env["CELERY_QUEUE"], node), args.timeout, "the worker's queue to empty")
        drained = time.perf_counter() - began
        worker_cpu = cpu_seconds(pgid=worker.pid) - worker_cpu
        db_cpu = cpu_seconds(title=database) - db_cpu  # backends still connected: measured before stop
        load = f"{load} → {load_average()}"
    finally:
        stop(web)
        if worker is not None:
            stop(worker)
        drop_queue(env["CELERY_QUEUE"])
    latencies.sort()
    result: dict[str, Any] = {"provider": provider, "concurrent": concurrent, "requests": len(posts)}
    result.update(distinct=distinct, customers=min(args.customers, distinct), statuses=dict(statuses), sent=sent)
    result.update(p50_ms=statistics.median(latencies) * 1000, p95_ms=latencies[int(len(latencies) * 0.95) - 1] * 1000)
    result.update(backlog=backlog, drained=drained, load=load, **outcome(provider, slug))
    result.update(cpu={"web": web_cpu, "worker": worker_cpu, "db": db_cpu, "client": client_cpu})
    result["accepted_per_s"] = statuses.get(200, 0) / sent
    # Events: from the first request (concurrent) or the worker's start (separate) to the last processed_at.
    result["processed_per_s"] = result["stored"] / max(result["last_processed"] - began_at, 1e-9)
    result["drained_per_s"] = result["stored"] / drained  # with the follow-up work done as well
    result["problems"] = problems(result)
    return result


def problems(r: dict[str, Any]) -> list[str]:
    found = []
    if r["statuses"] != {200: r["requests"]}:
        found.append(f"answers other than 200: {r['statuses']}")
    if r["stored"] != r["distinct"]:
        found.append(f"{r['stored']} events stored for {r['distinct']} distinct messages")
    if r["waiting"] or r["failing"]:
        found.append(f"{r['waiting']} events not processed, {r['failing']} failed at least once")
    if r["messages"] != r["distinct"] or r["customer_messages"] != r["distinct"]:
        found.append(f"{r['customer_messages']} ticket messages ({r['messages']} linked) for {r['distinct']}")
    if r["tickets"] != r["customers"]:
        found.append(f"{r['tickets']} tickets for {r['customers']} customers")
    if r["outbound"] or r["media"]:
        found.append(f"{r['outbound']} replies and {r['media']} media fetches queued")
    return found


TABLE_HEAD = (
    "| provider | worker | accepted/s | p50 ms | p95 ms | events processed/s | with follow-up work/s | "
    "CPU ms: web per delivery | worker per message | PostgreSQL per message | load average before → after |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def row(r: dict[str, Any]) -> str:
    cpu, events = r["cpu"], max(r["stored"], 1)
    mode = "during the sends" if r["concurrent"] else "started after"
    return (
        f"| {r['provider']} | {mode} | {r['accepted_per_s']:.0f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
        f"{r['processed_per_s']:.0f} | {r['drained_per_s']:.0f} | {cpu['web'] / r['requests'] * 1000:.1f} | "
        f"{cpu['worker'] / events * 1000:.1f} | {cpu['db'] / events * 1000:.1f} | {r['load']} |"
    )


def details(r: dict[str, Any]) -> str:
    drained = (
        f"backlog {r['backlog']} when the sends ended, all done {r['drained'] - r['sent']:.1f} s later"
        if r["concurrent"]
        else f"the worker was done {r['drained']:.1f} s after its start"
    )
    return (
        f"{r['provider']} ({'concurrent' if r['concurrent'] else 'separate'}): {r['requests']} deliveries "
        f"({r['distinct']} distinct) in {r['sent']:.1f} s; {drained}; {r['stored']} events, {r['tickets']} tickets, "
        f"{r['customer_messages']} messages; load generator {r['cpu']['client'] / r['requests'] * 1000:.1f} ms "
        f"CPU/delivery; {'; '.join(r['problems']) or 'nothing lost, refused or processed twice'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="deliveries per provider")
    parser.add_argument("--customers", type=int, default=1000, help="distinct customers per provider")
    parser.add_argument("--clients", type=int, default=16, help="load generator threads (keep-alive each)")
    parser.add_argument("--repeat-every", type=int, default=10, help="every Nth delivery repeats an earlier body")
    parser.add_argument("--providers", nargs="+", choices=PROVIDERS, default=list(PROVIDERS))
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for the backlog to drain")
    parser.add_argument("--mode", choices=["both", "concurrent", "separate"], default="both")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "messaging_webhooks.json")
    args = parser.parse_args()

    env = process_env(args.database_url)
    env.update({f"MESSAGING_{name}_BASE_URL": DEAD_API for name in ("WHATSAPP", "LINE", "LINE_CONTENT", "TELEGRAM")})
    for name in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CELERY_QUEUE", "TESTING", "EMAIL_URL"):
        os.environ[name] = env[name]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    create_database(args.database_url, env)
    import django

    django.setup()
    modes = {"both": [False, True], "separate": [False], "concurrent": [True]}[args.mode]
    results = []
    for concurrent in modes:
        for provider in args.providers:
            results.append(run(args, env, provider, concurrent))
            print(details(results[-1]), flush=True)
    print(
        f"\nmessaging webhook intake: {args.requests} deliveries per provider from {args.clients} keep-alive "
        f"clients, {args.customers} customers, every {args.repeat_every}th a repeat; gunicorn "
        f"{args.gunicorn_workers} workers x {args.gunicorn_threads} threads (gthread); celery concurrency "
        f"{args.celery_concurrency}; {os.cpu_count()} cores\n"
    )
    print(TABLE_HEAD)
    for result in results:
        print(row(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str))
    failed = [f"{r['provider']}: {p}" for r in results for p in r["problems"]]
    if failed:
        raise SystemExit("; ".join(failed))


if __name__ == "__main__":
    main()
