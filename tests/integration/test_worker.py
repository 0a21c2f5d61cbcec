"""A task travels through the real Redis broker to a real Celery worker started by the test."""

from __future__ import annotations

import uuid

import pytest

from helpdesk.celery import app
from workspace.models import WorkerHeartbeat
from workspace.tasks import heartbeat

from .conftest import running, wait_for, worker_command

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_task_sent_through_redis_is_run_by_a_real_worker(worker_env, tmp_path, settings):
    queue = f"test-{uuid.uuid4().hex[:12]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    token = uuid.uuid4().hex
    command = worker_command(queue)
    with running(command, env=worker_env, log=tmp_path / "worker.log"):
        heartbeat.apply_async(args=[token], queue=queue)
        try:
            row = wait_for(
                lambda: WorkerHeartbeat.objects.filter(token=token).first(),
                timeout=60,
                what="the worker to record the heartbeat",
            )
        except AssertionError:
            print((tmp_path / "worker.log").read_text())
            raise
    assert row.hostname  # type: ignore[union-attr]
    assert WorkerHeartbeat.objects.filter(token=token).count() == 1
