"""The database is the truth: a Redis restarted with its data lost, or two beats at once, make no
deadline, reminder or invitation go missing or happen twice."""

from __future__ import annotations

import time

import pytest
import redis

from tests.smtp import SmtpServer

from .conftest import fast_sweeps, new_queue, running, wait_for, worker_command
from .due_work import DueWork, all_done, assert_each_once, make_due, overdue_tickets

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REDIS_DB = 3  # on the test's private redis-server
SHARED_DB = 12  # on the machine's Redis, for the two-beats test


def sweeps(log, task: str) -> int:
    return log.read_text().count(f"Task {task}[")


def test_redis_restarted_with_its_data_lost_while_work_is_due_acts_on_everything_once(
    actors, categories, make_ticket, rates, worker_env, private_redis, tmp_path
):
    log = tmp_path / "worker.log"
    queue = new_queue()
    work = make_due(actors, categories, make_ticket, "before")
    with SmtpServer() as smtp:
        env = {
            **worker_env,
            **fast_sweeps(),
            "CELERY_BROKER_URL": private_redis.url(REDIS_DB),
            "CELERY_QUEUE": queue,
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "SITE_URL": "https://help.example.com",
        }
        redis.Redis.from_url(private_redis.url(REDIS_DB)).flushdb()
        with running(worker_command(queue, tmp_path), env=env, log=log):
            try:
                # Redis dies as the first sweeps run, and comes back empty.
                wait_for(lambda: sweeps(log, "tickets.tasks.sla_sweep") >= 1, timeout=60, what="a first sweep")
                private_redis.stop()
                time.sleep(2)
                private_redis.start()
                wait_for(lambda: all_done(work), timeout=120, what="everything due before the restart")
                # More falls due, and Redis loses everything again, queued emails included.
                later = make_due(actors, categories, make_ticket, "after")
                private_redis.stop()
                private_redis.start()
                wait_for(lambda: all_done(later), timeout=120, what="everything due after the second restart")
                work += later
                before = sweeps(log, "tickets.tasks.sla_sweep")
                wait_for(lambda: sweeps(log, "tickets.tasks.sla_sweep") >= before + 3, timeout=60, what="more sweeps")
            except AssertionError:
                print(log.read_text()[-6000:])
                raise
        assert_each_once(work, smtp.by_message_id())
    assert "Connection to broker lost" in log.read_text() or "Cannot connect" in log.read_text()


def test_two_beats_at_once_for_several_sweep_periods_notify_every_breach_once(
    actors, categories, make_ticket, rates, worker_env, tmp_path
):
    queue = new_queue()
    broker = f"redis://127.0.0.1:6379/{SHARED_DB}"
    redis.Redis.from_url(broker).flushdb()
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    work = DueWork()
    with SmtpServer() as smtp:
        env = {
            **worker_env,
            **fast_sweeps(),
            "CELERY_BROKER_URL": broker,
            "CELERY_QUEUE": queue,
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        }
        with (
            running(worker_command(queue, tmp_path, name="one"), env=env, log=logs[0]),
            running(worker_command(queue, tmp_path, name="two"), env=env, log=logs[1]),
        ):
            try:
                for log in logs:
                    wait_for(lambda log=log: "beat: Starting" in log.read_text(), timeout=60, what="both beats")
                # Deadlines keep passing over several sweep periods while both beats send sweeps.
                for batch in range(6):
                    work.sla_tickets += overdue_tickets(actors, categories.logistics, 8, f"batch{batch}")
                    time.sleep(0.7)
                wait_for(lambda: all_done(work), timeout=90, what="every breach to be handled")
                before = sum(sweeps(log, "tickets.tasks.sla_sweep") for log in logs)
                wait_for(
                    lambda: sum(sweeps(log, "tickets.tasks.sla_sweep") for log in logs) >= before + 6,
                    timeout=60,
                    what="more sweeps",
                )
            except AssertionError:
                for log in logs:
                    print(log.read_text()[-3000:])
                raise
        beats = [log.read_text().count("Scheduler: Sending due task tickets-sla-sweep") for log in logs]
        assert min(beats) >= 3, beats  # both beats really sent sweeps, for several periods
        assert_each_once(work, smtp.by_message_id())
