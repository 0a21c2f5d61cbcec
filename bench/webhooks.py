"""Webhook ingestion under load: the real endpoint under gunicorn, a real Celery worker on Redis.

    .venv/bin/python bench/webhooks.py                    # 5,000 requests, 32 keep-alive clients
    .venv/bin/python bench/webhooks.py --tier ingest      # the ingestion-only tier (logistics.ingest_settings)
    .venv/bin/python bench/webhooks.py --requests 20000 --gunicorn-workers 3 --mode concurrent

It creates and migrates its own database (helpdesk_bench_webhooks; the tables it fills are emptied
first), starts gunicorn on a free 127.0.0.1 port and a Celery worker on a private queue of the
local Redis, and sends signed AfterShip and 17TRACK deliveries (every tenth a repeat of an earlier
body, as a sender's retry) from threads each holding a keep-alive connection. Every parcel gets
its deliveries in order, each carrying one more scan than the last, as the aggregators send them.

Two runs by default: "separate" stores everything with no worker (the acceptance rate alone), then
starts the worker (the processing rate alone, from the rows' processed_at); "concurrent" runs the
worker while deliveries arrive (both share the cores). It prints deliveries per second accepted
and processed, latencies, the backlog, the CPU each side used per delivery, and fails if a
delivery was lost, refused or processed twice.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadlib import post_all  # noqa: E402 - after the path is set

FIXTURES = ROOT / "tests" / "logistics" / "fixtures"
AFTERSHIP_SECRET = "bench_aftership_secret"  # noqa: S105 - a local benchmark's own secret
SEVENTEENTRACK_KEY = "BENCH17TRACKKEY"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench_webhooks"
BIN = Path(sys.executable).parent  # the virtualenv this runs in: gunicorn, celery, manage.py
Request = tuple[str, bytes, str]  # sender, body, signature


def application() -> Any:
    """The WSGI app gunicorn serves (as "bench.webhooks:application()"), with the bench secrets."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.AFTERSHIP_WEBHOOK_SECRETS = [AFTERSHIP_SECRET]
    settings.SEVENTEENTRACK_API_KEYS = [SEVENTEENTRACK_KEY]
    return get_wsgi_application()


def process_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        TESTING="0",
        SECRET_KEY="bench-webhooks-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        CELERY_QUEUE=f"bench-webhooks-{uuid.uuid4().hex[:8]}",
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def create_database(database_url: str, env: dict[str, str]) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    admin = psycopg.connect(base + "/postgres", autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    subprocess.run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


def prepare(count: int) -> list[tuple[str, str, str]]:
    """Empty the bench's tables; one order and one shipment per parcel, half tracked by each sender.
    Returns (sender, tracking number, order number) per parcel."""
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from logistics.models import Carrier, Shipment
    from tickets.models import Customer, Order

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE logistics_webhookdelivery, logistics_trackingevent, logistics_shipmentstatuschange, "
            "logistics_shipmentexception, logistics_shipment CASCADE"
        )
    customer, _ = Customer.objects.get_or_create(email="bench-parcels@example.com", defaults={"name": "Bench"})
    parcels = [(("aftership", f"YT26{i:014d}") if i % 2 == 0 else ("17track", f"LZ{i:09d}CN")) for i in range(count)]
    numbers = [(sender, number, f"BENCH-{i:06d}") for i, (sender, number) in enumerate(parcels)]
    fields = {
        "customer": customer,
        "platform": "bench",
        "currency": "EUR",
        "total": Decimal(50),
        "ship_to_country": "DE",
    }
    now = timezone.now()
    Order.objects.bulk_create(
        [Order(external_number=o, placed_at=now, **fields) for *_x, o in numbers], ignore_conflicts=True
    )
    orders = dict(Order.objects.filter(platform="bench").values_list("external_number", "pk"))
    carriers = {c.aftership_slug: c for c in Carrier.objects.filter(aftership_slug__in=["yunexpress", "china-post"])}
    slugs = {"aftership": "yunexpress", "17track": "china-post"}
    shipments = [Shipment(order_id=orders[o], tracking_number=n, carrier=carriers.get(slugs[s])) for s, n, o in numbers]
    Shipment.objects.bulk_create(shipments)
    return numbers


def _body(template: dict[str, Any], sender: str, number: str, order: str, scans: int, start: datetime) -> bytes:
    """A fixture body for this parcel, with `scans` scans three hours apart (all the scans so far)."""
    data = json.loads(json.dumps(template))
    times = [(n, (start + timedelta(hours=3 * n)).astimezone(UTC)) for n in range(scans)]
    if sender == "aftership":
        data["event_id"] = str(uuid.uuid4())
        msg = data["msg"]
        msg.update(tracking_number=number, order_number="#" + order, order_id=order)
        scan = {**msg["checkpoints"][-1], "tag": "InTransit", "subtag": "InTransit_003"}
        msg["checkpoints"] = [{**scan, "checkpoint_time": t.isoformat(), "message": f"Scan {n + 1}"} for n, t in times]
        msg["tag"], msg["subtag"] = "InTransit", "InTransit_003"
    else:
        data["data"].update(number=number, tag=order)
        info = data["data"]["track_info"]
        provider = info["tracking"]["providers"][0]
        scan = {**provider["events"][0], "sub_status": "InTransit_Arrival"}
        provider["events"] = [
            {
                **scan,
                "time_utc": t.isoformat().replace("+00:00", "Z"),
                "time_iso": t.isoformat(),
                "description": f"Scan {n + 1}",
            }
            for n, t in reversed(times)
        ]
        info["latest_status"] = {"status": "InTransit", "sub_status": "InTransit_Arrival"}
    return json.dumps(data).encode()


def build_requests(parcels: list[tuple[str, str, str]], count: int, repeat_every: int) -> list[Request]:
    templates = {s: json.loads((FIXTURES / f"{s}_in_transit.json").read_bytes()) for s in ("aftership", "17track")}
    start = datetime.now(UTC) - timedelta(days=2)
    requests: list[Request] = []
    distinct = 0
    while len(requests) < count:
        if repeat_every and len(requests) % repeat_every == repeat_every - 1:
            requests.append(requests[len(requests) // 2])  # a sender's retry of an earlier delivery
            continue
        sender, number, order = parcels[distinct % len(parcels)]
        body = _body(templates[sender], sender, number, order, min(distinct // len(parcels) + 1, 15), start)
        distinct += 1
        if sender == "aftership":
            signature = base64.b64encode(hmac.new(AFTERSHIP_SECRET.encode(), body, hashlib.sha256).digest()).decode()
        else:
            signature = hashlib.sha256(body + b"/" + SEVENTEENTRACK_KEY.encode()).hexdigest()
        requests.append((sender, body, signature))
    return requests


def send_all(port: int, requests: list[Request], clients: int) -> tuple[Counter[int], list[float]]:
    """Send every request once from `clients` threads, each on one keep-alive connection."""
    posts = []
    for sender, body, signature in requests:
        header = "aftership-hmac-sha256" if sender == "aftership" else "sign"
        posts.append((f"/webhooks/{sender}/", body, {"Content-Type": "application/json", header: signature}))
    return post_all(port, posts, clients)


def delivery_states() -> Counter[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT state, count(*) FROM logistics_webhookdelivery GROUP BY state")
        return Counter(dict(cursor.fetchall()))


def processing_span() -> float:
    """Seconds from the first to the last batch the worker processed, read from the rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXTRACT(EPOCH FROM max(processed_at) - min(processed_at)) FROM logistics_webhookdelivery"
        )
        return float(cursor.fetchone()[0] or 0.0)


def cpu_seconds(*, pgid: int | None = None, title: str | None = None) -> float:
    """CPU time (user + system) of a process group, or of the processes whose title names `title`
    (PostgreSQL backends show their database there)."""
    total = 0
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split() if entry.name.isdigit() else []
            if not fields or (pgid is not None and int(fields[2]) != pgid):
                continue
            if title is not None and title.encode() not in (entry / "cmdline").read_bytes():
                continue
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def run(args: argparse.Namespace, env: dict[str, str], concurrent: bool) -> dict[str, Any]:
    """One run on emptied tables, the worker running while deliveries arrive or started after."""
    from helpdesk.celery import app
    from logistics.models import Shipment, TrackingEvent

    parcels = prepare(args.parcels)
    requests = build_requests(parcels, args.requests, args.repeat_every)
    unique = len({body for _s, body, _sig in requests})
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    node = f"{env['CELERY_QUEUE']}@127.0.0.1"
    settings_module = "logistics.ingest_settings" if args.tier == "ingest" else "helpdesk.settings"
    web_options = f"--workers {args.gunicorn_workers} --worker-class gthread --threads {args.gunicorn_threads} "
    web_options += "--keep-alive 30 --backlog 2048 --log-level warning"
    web = start(
        [str(BIN / "gunicorn"), "bench.webhooks:application()", "--bind", f"127.0.0.1:{port}", *web_options.split()],
        {**env, "DJANGO_SETTINGS_MODULE": settings_module},
        out / "gunicorn.log",
    )
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    worker = None

    def start_worker() -> subprocess.Popen[bytes]:
        options = f"-Q {env['CELERY_QUEUE']} -n {node} --concurrency {args.celery_concurrency} "
        options += "--without-gossip --without-mingle --loglevel WARNING"
        process = start(
            [str(BIN / "python"), "-m", "celery", "-A", "helpdesk", "worker", *options.split()], env, out / "celery.log"
        )
        wait_until(lambda: bool(app.control.ping(destination=[node], timeout=0.5)), 60, "the Celery worker")
        return process

    def web_up() -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return True  # any answer will do (the ingestion tier has no /healthz)
        except (OSError, http.client.HTTPException):
            return False

    def all_processed() -> bool:
        states = delivery_states()
        return states["received"] == 0 and sum(states.values()) >= unique

    try:
        wait_until(web_up, 60, "gunicorn")
        if concurrent:
            worker = start_worker()
        web_cpu, db_cpu = cpu_seconds(pgid=web.pid), cpu_seconds(title=database)
        worker_cpu = cpu_seconds(pgid=worker.pid) if worker else 0.0
        began, client_cpu = time.perf_counter(), time.process_time()
        statuses, latencies = send_all(port, requests, args.clients)
        sent, client_cpu = time.perf_counter() - began, time.process_time() - client_cpu
        web_cpu = cpu_seconds(pgid=web.pid) - web_cpu
        backlog = delivery_states()["received"]
        if worker is None:
            worker = start_worker()
        wait_until(all_processed, args.timeout, "the worker to process the backlog")
        until_drained = time.perf_counter() - began
        worker_cpu = cpu_seconds(pgid=worker.pid) - worker_cpu
        db_cpu = cpu_seconds(title=database) - db_cpu  # backends still connected: measured before stop
    finally:
        stop(web)
        if worker is not None:
            stop(worker)
    latencies.sort()
    figures = dict(concurrent=concurrent, requests=len(requests), unique=unique, statuses=statuses, sent=sent)
    figures.update(accepted=sum(n for status, n in statuses.items() if 200 <= status < 300), backlog=backlog)
    figures.update(p50=statistics.median(latencies) * 1000, p99=latencies[int(len(latencies) * 0.99) - 1] * 1000)
    figures.update(until_drained=until_drained, span=processing_span(), states=delivery_states())
    figures.update(cpu={"web": web_cpu, "worker": worker_cpu, "db": db_cpu, "client": client_cpu})
    figures.update(events=TrackingEvent.objects.count(), parcels=len(parcels))
    figures.update(tracked=Shipment.objects.exclude(status="pending").count())
    return figures


def report(r: dict[str, Any]) -> list[str]:
    processed, cpu = r["states"]["processed"], r["cpu"]
    lines = [
        "-- "
        + ("worker running while deliveries arrive" if r["concurrent"] else "worker started once all were stored"),
        f"HTTP answers: {dict(sorted(r['statuses'].items()))} ({r['unique']} distinct bodies, the rest repeats)",
        f"accepted: {r['accepted']} in {r['sent']:.2f} s = {r['accepted'] / r['sent']:.0f} deliveries/s "
        f"(latency p50 {r['p50']:.0f} ms, p99 {r['p99']:.0f} ms)",
    ]
    if r["concurrent"]:
        lines.append(
            f"processed: {processed} of {r['unique']}, the last {r['until_drained']:.2f} s after the first request "
            f"= {processed / r['until_drained']:.0f} deliveries/s; backlog when sending ended: {r['backlog']}, "
            f"drained {r['until_drained'] - r['sent']:.2f} s later"
        )
    else:
        rate = processed / max(r["span"], 1e-9)
        lines.append(f"processed: {processed} of {r['unique']} in {r['span']:.2f} s = {rate:.0f} deliveries/s")
    lines.append(
        f"CPU: gunicorn {cpu['web'] / r['requests'] * 1000:.2f} ms/request, celery "
        f"{cpu['worker'] / max(processed, 1) * 1000:.2f} ms/delivery, PostgreSQL "
        f"{cpu['db'] / max(processed, 1) * 1000:.2f} ms/delivery, load generator "
        f"{cpu['client'] / r['requests'] * 1000:.2f} ms/request"
    )
    lines.append(
        f"failed: {r['states']['failed']}; events: {r['events']}; parcels tracked: {r['tracked']}/{r['parcels']}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=32, help="load generator threads (keep-alive each)")
    parser.add_argument("--parcels", type=int, default=1000)
    parser.add_argument("--repeat-every", type=int, default=10, help="every Nth request repeats an earlier body")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for the backlog to drain")
    parser.add_argument(
        "--tier",
        choices=["full", "ingest"],
        default="full",
        help="full: the project's whole middleware stack; ingest: logistics.ingest_settings",
    )
    parser.add_argument("--mode", choices=["both", "concurrent", "separate"], default="both")
    args = parser.parse_args()

    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    env = process_env(args.database_url)
    for name in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CELERY_QUEUE", "TESTING", "EMAIL_URL"):
        os.environ[name] = env[name]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    create_database(args.database_url, env)
    import django

    django.setup()
    modes = {"both": [False, True], "separate": [False], "concurrent": [True]}[args.mode]
    results = [run(args, env, concurrent) for concurrent in modes]
    print(
        f"webhook ingestion: {args.requests} requests from {args.clients} keep-alive clients; tier {args.tier}; "
        f"gunicorn {args.gunicorn_workers} workers x {args.gunicorn_threads} threads (gthread); celery "
        f"concurrency {args.celery_concurrency}; {os.cpu_count()} cores; load average before: {load_before}"
    )
    problems = set()
    for result in results:
        print("\n".join(report(result)))
        if result["accepted"] != result["requests"]:
            problems.add("some requests were not accepted")
        if sum(result["states"].values()) != result["unique"] or result["states"]["processed"] != result["unique"]:
            problems.add("stored or processed deliveries differ from the distinct bodies sent")
    if problems:
        raise SystemExit("; ".join(sorted(problems)))


if __name__ == "__main__":
    main()
