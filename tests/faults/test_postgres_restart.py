"""PostgreSQL restarted under load: the web tier recovers by itself (CONN_HEALTH_CHECKS drops the
dead connections), the worker's tasks fail during the outage and the sweeps redo them after, and
two supervisors pressing approve again and again through the outage make one payout each.

This restarts the machine's PostgreSQL for a few seconds (every database on it): `make faults` only."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.db import connection

from helpdesk import roles
from policies.models import CompensationGrant, DecisionLog
from tests.factories import make_staff
from tests.policies.conftest import ask
from tests.smtp import SmtpServer
from tickets.models import OutboundEmail

from .conftest import fast_sweeps, new_queue, running, signed_in_session, wait_for, web_env, web_server, worker_command

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BROKER_DB = 11
LOAD_SECONDS = 40  # the load loop's bound in time; it also stops after LOAD_REQUESTS
LOAD_REQUESTS = 3000


def postgres_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: float(v))
    return versions[-1]


def restart_postgres() -> float:
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", postgres_version(), "main", "restart", "-m", "fast"],
        check=True,
        timeout=60,
    )
    return time.monotonic() - started


def database_up() -> bool:
    try:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


@pytest.mark.skipif(not Path("/etc/postgresql").is_dir(), reason="needs the machine's own PostgreSQL cluster")
def test_postgres_restarted_under_load_recovers_without_restarts_and_pays_out_once(
    actors, make_ticket, rates, teams, worker_env, tmp_path
):
    second = make_staff(team=teams.europe, tier="L3", group=roles.SUPERVISOR_GROUP, username="super2")
    pending = [ask(actors.l1, make_ticket(), amount="64.00") for _ in range(6)]
    ticket_ids = [r.ticket_id for r in pending]
    queue = new_queue()
    with SmtpServer() as smtp:
        env = {
            **web_env(worker_env),
            **fast_sweeps(),
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{BROKER_DB}",
            "CACHE_URL": "locmemcache://",
            "CELERY_QUEUE": queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "CONN_MAX_AGE": "600",  # long-lived connections: the restart leaves every one of them dead
        }
        agent = signed_in_session(actors.l1)
        supervisors = [signed_in_session(actors.supervisor), signed_in_session(second)]
        log: list[tuple[float, int]] = []  # (when, status; 0 for no answer)
        stop = threading.Event()

        def load(base: str) -> None:
            started = time.monotonic()
            for n in range(LOAD_REQUESTS):
                if stop.is_set() or time.monotonic() - started > LOAD_SECONDS:
                    return
                path = "/queue/" if n % 2 else f"/tickets/{ticket_ids[n % len(ticket_ids)]}/"
                try:
                    status = agent.get(base + path, allow_redirects=False, timeout=10).status_code
                except requests.RequestException:
                    status = 0
                log.append((time.monotonic(), status))
                time.sleep(0.05)

        def approve(base: str, session: requests.Session, pk: int, answers: list[int]) -> None:
            """A supervisor who presses approve again while the page errors, at most 80 times."""
            for _ in range(80):
                try:
                    response = session.post(
                        f"{base}/approvals/requests/{pk}/decide/",
                        data={"decision": "approved", "comment": "Late parcel, fair"},
                        allow_redirects=False,
                        timeout=10,
                    )
                    if response.status_code < 500:
                        answers.append(response.status_code)
                        return
                except requests.RequestException:
                    pass
                time.sleep(0.25)
            answers.append(0)

        with (
            web_server(env, tmp_path / "web.log", workers=3) as base,
            running(worker_command(queue, tmp_path), env=env, log=tmp_path / "worker.log"),
        ):
            pids_before = gunicorn_workers(tmp_path / "web.log")
            loader = threading.Thread(target=load, args=(base,))
            loader.start()
            time.sleep(3)  # the connections of every process are open and warm
            answers: list[int] = []
            deciders = [
                threading.Thread(target=approve, args=(base, session, request.pk, answers))
                for request in pending
                for session in supervisors
            ]
            restarted_at = time.monotonic()
            restart = threading.Thread(target=restart_postgres)
            restart.start()
            time.sleep(0.3)  # the restart is under way when the supervisors press approve
            for thread in deciders:
                thread.start()
            restart.join(timeout=90)
            back_at = time.monotonic()
            wait_for(database_up, timeout=30, what="PostgreSQL to accept connections again")
            for thread in deciders:
                thread.join(timeout=60)
            time.sleep(5)  # load goes on after the restart
            stop.set()
            loader.join(timeout=30)
            try:
                wait_for(
                    lambda: (
                        OutboundEmail.objects.filter(key__startswith="policies-approved").exists()
                        and not OutboundEmail.objects.filter(state__in=["pending", "sending"]).exists()
                    ),
                    timeout=90,
                    what="the outcome emails to be sent",
                )
            except AssertionError:
                print((tmp_path / "worker.log").read_text()[-5000:])
                raise
            assert gunicorn_workers(tmp_path / "web.log") == pids_before  # no worker was restarted

    print(f"outage: {back_at - restarted_at:.1f}s; answers during load: {Counter(s for _t, s in log)}")
    before = [s for t, s in log if t < restarted_at]
    after = [s for t, s in log if t > back_at + 1]
    assert before and set(before) == {200}
    assert len(after) >= 20 and set(after) == {200}, Counter(after)  # recovered without a restart
    assert sorted(answers) == [302] * len(answers) and len(answers) == 2 * len(pending)
    assert CompensationGrant.objects.filter(request__in=pending).count() == len(pending)  # one payout each
    assert Counter(DecisionLog.objects.filter(request__in=pending).values_list("request_id", flat=True)) == Counter(
        r.pk for r in pending
    )
    delivered = smtp.by_message_id()
    outcomes = OutboundEmail.objects.filter(key__startswith="policies-approved:")
    assert outcomes.count() == len(pending) and set(outcomes.values_list("state", flat=True)) == {"sent"}
    assert all(delivered[mid] == 1 for mid in outcomes.values_list("email_message_id", flat=True))
    assert set(delivered.values()) == {1}


def gunicorn_workers(log: Path) -> set[str]:
    return {line.rsplit("pid: ", 1)[1].strip() for line in log.read_text().splitlines() if "Booting worker" in line}
