"""Shared by the load benchmarks: gunicorn on loopback, wrk with a bounded duration, machine facts.

Every request goes to 127.0.0.1; every run is bounded in time (wrk -d) and stops by itself."""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LUA = BENCH / "latency.lua"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post_all(
    port: int, requests: Sequence[tuple[str, bytes, dict[str, str]]], clients: int
) -> tuple[Counter[int], list[float]]:
    """POST every (path, body, headers) once to 127.0.0.1:port from `clients` threads, each on one
    keep-alive connection (reopened and the request tried again, up to 3 times, if it drops).
    Returns the count of each HTTP status (0: no answer) and every request's latency in seconds."""
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    position = iter(range(len(requests)))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[tuple[int, float]] = []
        while (index := next_index()) is not None:
            path, body, headers = requests[index]
            began, status = time.perf_counter(), 0
            for _attempt in range(3):
                try:
                    connection.request("POST", path, body, headers)
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                    break
                except (http.client.HTTPException, OSError):
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append((status, time.perf_counter() - began))
        connection.close()
        with lock:
            for status, latency in mine:
                statuses[status] += 1
                latencies.append(latency)

    def next_index() -> int | None:
        with lock:
            return next(position, None)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, latencies


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict[str, Any]:
    memory = ""
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    pg = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    return {
        "nproc": os.cpu_count(),
        "memory": memory,
        "postgresql": pg,
        "python": platform.python_version(),
        "wrk": wrk.strip(),
        "kernel": platform.release(),
    }


class Server(str):
    """A base URL that knows the process group serving it, to read its CPU time."""

    pgid: int


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of every live process in a process group (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])
    return total / tick


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout}s")


@contextmanager
def gunicorn(
    python: str,
    app: str,
    *,
    env: dict[str, str],
    cwd: Path,
    workers: int,
    log: Path,
    health: str = "/healthz",
    worker_class: str = "sync",
) -> Iterator[Server]:
    """gunicorn on a free loopback port; yields the base URL. An `app` ending in `:application` of an
    ASGI module is served with `worker_class="uvicorn.workers.UvicornWorker"`, as in production."""
    port = free_port()
    command = [python, "-m", "gunicorn", app, f"--bind=127.0.0.1:{port}", f"--workers={workers}", "--timeout=60"]
    command.append(f"--worker-class={worker_class}")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = Server(f"http://127.0.0.1:{port}")
    base.pgid = process.pid
    try:
        wait_http(base + health)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wrk(
    url: str,
    *,
    headers: dict[str, str],
    connections: int = 8,
    seconds: int = 15,
    threads: int = 2,
    server: Server | None = None,
) -> dict[str, Any]:
    """One bounded wrk run: the figures of bench/latency.lua, the load average at its end and, given
    the server, the CPU milliseconds its processes spent per request (robust to a busy machine)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout=10s", "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    cpu_before = group_cpu_seconds(server.pgid) if server is not None else 0.0
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    match = re.search(r"WRK_JSON (\{.*\})", out)
    if not match:
        raise RuntimeError(out)
    result: dict[str, Any] = json.loads(match.group(1))
    result["load"] = load_average()
    if server is not None and result["requests"]:
        result["app_cpu_ms"] = (group_cpu_seconds(server.pgid) - cpu_before) * 1000 / result["requests"]
    if result["non_2xx_3xx"] or result["socket_errors"]:
        raise RuntimeError(f"errors under load at {url}: {result}")
    return result


def fetch(url: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, response.read().decode("utf-8", "replace")


def row(label: str, result: dict[str, Any]) -> str:
    cpu = f"{result['app_cpu_ms']:.1f}" if "app_cpu_ms" in result else "-"
    return (
        f"| {label} | {result['rps']:.0f} | {result['p50_ms']:.1f} | {result['p95_ms']:.1f} | "
        f"{result['p99_ms']:.1f} | {cpu} | {result['requests']} | {result['load']} |"
    )


TABLE_HEAD = (
    "| run | req/s | median ms | p95 ms | p99 ms | app CPU ms/req | requests | load avg (1 5 15 min) |\n"
    "|---|---|---|---|---|---|---|---|"
)


def fresh_database(database_url: str) -> None:
    name = database_url.rsplit("/", 1)[1]
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


def django_on_bench(env: dict[str, str], *, fresh: bool) -> float:
    """Django in this process with the server's environment `env`: its database (made afresh when
    asked) migrated and its own Redis database emptied; returns the seconds the migration took."""
    if fresh:
        fresh_database(env["DATABASE_URL"])
    os.environ.update(env)
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    return time.perf_counter() - began
