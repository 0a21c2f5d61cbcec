"""The database is the truth: with Redis flushed while invitations are due, a real Celery worker
with beat still sends each one exactly once, over real SMTP, and keeps doing so after another flush."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from feedback.models import InvitationState, SurveyInvitation
from tests.integration import conftest as integration
from tests.integration.conftest import ROOT, running, wait_for, worker_command
from tests.smtp import SmtpServer
from tickets.models import OutboundEmail

from .conftest import customer_in
from .helpers import civil_zone_now

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BROKER = "redis://127.0.0.1:6379/14"


@pytest.fixture
def worker_env() -> dict[str, str]:
    """The environment of a worker process working on the test database (as tests/integration does)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(DATABASE_URL=integration.test_database_url(), PYTHONPATH=str(ROOT), TESTING="1")
    return env


def make_due(solve, emails: list[str]) -> list[int]:
    zone = civil_zone_now()
    ids = []
    for email in emails:
        ticket = solve(customer_in(zone, email=email), reply="")
        ids.append(SurveyInvitation.objects.get(ticket=ticket).pk)
    SurveyInvitation.objects.filter(pk__in=ids).update(due_at=timezone.now() - timedelta(minutes=5))
    return ids


def sent_count(ids: list[int]) -> int:
    return SurveyInvitation.objects.filter(pk__in=ids, state=InvitationState.SENT).count()


def test_due_invitations_survive_a_flushed_broker_and_are_sent_once_by_a_real_worker(solve, worker_env, tmp_path):
    emails = [f"flushed{i}@example.com" for i in range(6)]
    ids = make_due(solve, emails)
    redis.Redis.from_url(BROKER).flushdb()  # every queued message is gone
    queue = f"test-feedback-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    command = worker_command(queue, beat_schedule=tmp_path / "beat-schedule")

    def sweeps_run() -> int:
        return log.read_text().count("Task feedback.tasks.send_due_invitations[")

    with SmtpServer() as sink:
        env = {
            **worker_env,
            "CELERY_BROKER_URL": BROKER,
            "CELERY_QUEUE": queue,
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "FEEDBACK_SWEEP_SECONDS": "1",
            "SITE_URL": "https://help.example.com",
        }
        with running(command, env=env, log=log):
            try:
                wait_for(
                    lambda: sent_count(ids) == len(ids) and len(sink.messages) == len(ids),
                    timeout=90,
                    what="every due invitation to be emailed",
                )
                # Lost again mid-run: nothing is sent twice, and a survey falling due later still goes out.
                redis.Redis.from_url(BROKER).flushdb()
                before = sweeps_run()
                late = make_due(solve, ["late@example.com"])
                wait_for(
                    lambda: sent_count(late) == 1 and len(sink.messages) == len(ids) + 1,
                    timeout=60,
                    what="the invitation due after the second flush",
                )
                wait_for(lambda: sweeps_run() >= before + 3, timeout=30, what="more sweeps")
            except AssertionError:
                print(log.read_text()[-5000:])
                raise

    assert sorted(sink.recipients()) == sorted([*emails, "late@example.com"])  # each exactly once
    assert OutboundEmail.objects.filter(key__startswith="feedback-survey:", state="sent").count() == len(ids) + 1
    text = sink.messages[0].message.get_body(("plain",))
    assert text is not None and "https://help.example.com/survey/" in text.get_content()
