"""Redis down for a minute: agents keep working (no 5xx from the web tier), their replies wait in
the send log, and once Redis is back the worker's sweep clears the backlog, each email once."""

from __future__ import annotations

import os
import time

import pytest

from tests.smtp import SmtpServer
from tickets import services as tickets
from tickets.models import Channel, Message, OutboundEmail

from .conftest import fast_sweeps, new_queue, running, signed_in_session, wait_for, web_env, web_server, worker_command

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DOWN_SECONDS = float(os.environ.get("FAULTS_REDIS_DOWN_SECONDS", "60"))


def test_agents_keep_working_while_redis_is_down_and_the_backlog_clears_when_it_returns(
    actors, categories, worker_env, private_redis, tmp_path
):
    ids = [
        tickets.ticket_create(
            customer=actors.customer,
            subject=f"Where is it {i}",
            body="?",
            channel=Channel.WEB,
            category=categories.other,
        ).pk
        for i in range(4)
    ]
    private_redis.stop()  # down before anyone starts, and for a minute
    queue = new_queue()
    with SmtpServer() as smtp:
        env = {
            **web_env(worker_env),
            **fast_sweeps(),
            "REDIS_URL": private_redis.url(0),
            "CELERY_BROKER_URL": private_redis.url(0),
            "CACHE_URL": private_redis.url(1).replace("redis://", "rediscache://"),
            "CELERY_QUEUE": queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        }
        agent = signed_in_session(actors.l1)
        statuses: list[tuple[str, int]] = []
        with (
            web_server(env, tmp_path / "web.log") as base,
            running(worker_command(queue, tmp_path), env=env, log=tmp_path / "worker.log"),
        ):
            started, sent = time.monotonic(), 0
            while time.monotonic() - started < DOWN_SECONDS and sent < 400:
                pk = ids[sent % len(ids)]
                for method, path, data in (
                    ("GET", "/queue/", None),
                    ("POST", f"/tickets/{pk}/reply/", {"reply-body": f"Reply {sent} while Redis is down"}),
                    ("GET", f"/tickets/{pk}/", None),
                ):
                    response = agent.request(method, base + path, data=data, allow_redirects=False, timeout=30)
                    statuses.append((f"{method} {path}", response.status_code))
                sent += 1
                time.sleep(0.5)
            server_errors = [s for s in statuses if s[1] >= 500]
            assert not server_errors, (server_errors[:5], (tmp_path / "web.log").read_text()[-4000:])
            replies = Message.objects.filter(ticket_id__in=ids, kind="reply").count()
            assert replies == sent
            waiting = OutboundEmail.objects.filter(ticket_id__in=ids, state="pending").count()
            assert waiting == sent and smtp.count() == 0  # nothing could be sent: all in the send log

            # Redis returns, empty: the sweep sends the backlog, and the pages keep answering.
            private_redis.start()
            try:
                wait_for(lambda: smtp.count() >= sent, timeout=120, what="the backlog to be sent")
                wait_for(
                    lambda: not OutboundEmail.objects.filter(ticket_id__in=ids).exclude(state="sent").exists(),
                    timeout=30,
                    what="every email marked sent",
                )
            except AssertionError:
                print((tmp_path / "worker.log").read_text()[-5000:])
                raise
            assert agent.get(base + "/queue/", timeout=30).status_code == 200
    assert set(smtp.by_message_id().values()) == {1} and smtp.count() == sent
    assert {s for p, s in statuses if p.startswith("GET")} == {200}
    assert {s for p, s in statuses if p.startswith("POST")} == {302}  # back to the ticket, reply posted
