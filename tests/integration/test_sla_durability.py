"""The database is the truth: SLA deadlines survive a flushed broker and concurrent sweeps."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone

from tickets import services
from tickets.models import Channel, SlaBreach, SlaClock, Ticket, TicketEvent

from .conftest import running, wait_for, worker_command

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BROKER = "redis://127.0.0.1:6379/15"


def _overdue_tickets(actors, categories, count: int) -> list[int]:
    ids = []
    for index in range(count):
        ticket = services.ticket_create(
            customer=actors.customer,
            subject=f"Late {index}",
            body="hello",
            channel=Channel.WEB,
            category=categories.logistics,
        )
        ids.append(ticket.pk)
    # They arrived long ago: every first-response deadline has passed.
    past = timezone.now() - timedelta(hours=1)
    SlaClock.objects.filter(ticket_id__in=ids, metric="first_response").update(
        started_at=past - timedelta(minutes=10), warn_at=past - timedelta(minutes=2), due_at=past
    )
    return ids


def test_deadlines_due_while_redis_was_flushed_are_all_escalated_by_a_real_worker(
    actors, categories, worker_env, tmp_path
):
    ids = _overdue_tickets(actors, categories, 25)
    redis.Redis.from_url(BROKER).flushdb()  # every queued message is gone
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **worker_env,
        "CELERY_BROKER_URL": BROKER,
        "CELERY_QUEUE": queue,
        "SLA_SWEEP_SECONDS": "1",
        "CACHE_URL": "locmemcache://",
    }
    command = worker_command(queue, beat_schedule=tmp_path / "beat-schedule")
    log = tmp_path / "worker.log"

    def sweeps_run() -> int:
        return log.read_text().count("Task tickets.tasks.sla_sweep[")

    with running(command, env=env, log=log):
        try:
            wait_for(
                lambda: SlaBreach.objects.filter(ticket_id__in=ids).count() == len(ids),
                timeout=90,
                what="every overdue ticket to be escalated",
            )
        except AssertionError:
            print(log.read_text()[-4000:])
            raise
        redis.Redis.from_url(BROKER).flushdb()  # lost again mid-run: nothing is done twice
        before = sweeps_run()
        wait_for(lambda: sweeps_run() >= before + 4, timeout=30, what="more sweeps")
    assert SlaBreach.objects.filter(ticket_id__in=ids).count() == len(ids)
    assert TicketEvent.objects.filter(ticket_id__in=ids, kind="priority").count() == len(ids)


def test_two_sweeps_at_once_escalate_each_ticket_exactly_once(actors, categories):
    ids = _overdue_tickets(actors, categories, 40)
    barrier = threading.Barrier(2)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.sla_sweep(limit=1000).breached)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    escalated = [pk for result in results for pk in result]
    assert sorted(escalated) == sorted(ids)  # each exactly once across both sweeps
    assert SlaBreach.objects.filter(ticket_id__in=ids).count() == len(ids)
    assert TicketEvent.objects.filter(ticket_id__in=ids, kind="priority").count() == len(ids)
    assert set(Ticket.objects.filter(pk__in=ids).values_list("priority", flat=True)) == {3}
