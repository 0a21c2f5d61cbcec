"""A worker killed with SIGKILL in the middle of sending an email: the email is sent once.

The SMTP server stores the message when the final "." arrives and only then, slowly, answers:
the worker dies in that window, not knowing whether the server took it. Another worker starts
and sweeps. A real SMTP server de-duplicates nothing, so a second attempt would be a second
email in the customer's inbox: the send log chooses at most once for this window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.smtp import SmtpServer
from tickets.models import OutboundEmail
from tickets.services import email_send, emails_recover_interrupted

from .conftest import fast_sweeps, kill_group, new_queue, running, wait_for, worker_command

BROKER_DB = 13


def outbound(key: str, to: str) -> OutboundEmail:
    return OutboundEmail.objects.create(
        key=key,
        to=to,
        subject=f"About {key}",
        body_text="We are on it.",
        email_message_id=f"<{key}@helpdesk.test>",
        due_at=timezone.now() - timedelta(seconds=1),
    )


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_the_server_holds_the_message_leaves_it_sent_once(worker_env, tmp_path):
    with SmtpServer(data_delay=60) as smtp:
        env = {
            **worker_env,
            **fast_sweeps(),
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{BROKER_DB}",
            "CELERY_QUEUE": new_queue(),
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "EMAIL_SEND_LEASE_SECONDS": "3",
        }
        queue = env["CELERY_QUEUE"]
        emails = [outbound(f"kill-{i}", f"customer{i}@example.com") for i in range(3)]
        first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"

        # given a worker whose sweep is handing the first email to the server
        with running(worker_command(queue, tmp_path, name="first"), env=env, log=first_log) as first:
            try:
                wait_for(smtp.received.is_set, timeout=60, what="the server to receive a message")
            except AssertionError:
                print(first_log.read_text()[-4000:])
                raise
            # when the worker is killed before the server answers
            kill_group(first)
        smtp.data_delay = 0
        assert smtp.count() == 1
        in_flight = OutboundEmail.objects.get(email_message_id=smtp.messages[0].message_id)
        assert in_flight.state == OutboundEmail.State.SENDING and in_flight.handover_at is not None

        # then another worker sends the rest, and not the one the server may already have
        with running(worker_command(queue, tmp_path, name="second"), env=env, log=second_log):
            try:
                wait_for(
                    lambda: (
                        not OutboundEmail.objects.filter(
                            pk__in=[e.pk for e in emails], state__in=["pending", "sending"]
                        ).exists()
                    ),
                    timeout=60,
                    what="every email to be settled",
                )
                wait_for(lambda: "send_due_emails" in second_log.read_text(), timeout=30, what="a sweep")
            except AssertionError:
                print(second_log.read_text()[-4000:])
                raise

    delivered = smtp.by_message_id()
    assert sorted(delivered) == sorted(e.email_message_id for e in emails)
    assert set(delivered.values()) == {1}  # each exactly once
    in_flight.refresh_from_db()
    assert in_flight.state == OutboundEmail.State.FAILED  # shown on the ticket: delivery unknown, not resent
    assert "may have been delivered" in in_flight.last_error
    others = OutboundEmail.objects.exclude(pk=in_flight.pk).filter(pk__in=[e.pk for e in emails])
    assert set(others.values_list("state", flat=True)) == {OutboundEmail.State.SENT}


@pytest.mark.django_db
def test_a_claim_that_never_reached_the_server_is_sent_again_after_the_lease(settings, mailoutbox):
    settings.EMAIL_SEND_LEASE_SECONDS = 60
    email = outbound("lost-claim", "a@example.com")
    OutboundEmail.objects.filter(pk=email.pk).update(
        state="sending", claim_token="dead", claimed_at=timezone.now() - timedelta(minutes=5), attempts=1
    )
    assert emails_recover_interrupted() == 1
    assert email_send(outbound_id=email.pk) is True
    email.refresh_from_db()
    assert email.state == "sent" and email.attempts == 2 and len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_live_claim_is_left_alone_and_a_second_sender_sends_nothing(settings, mailoutbox):
    settings.EMAIL_SEND_LEASE_SECONDS = 600
    email = outbound("live-claim", "a@example.com")
    OutboundEmail.objects.filter(pk=email.pk).update(
        state="sending", claim_token="alive", claimed_at=timezone.now(), handover_at=timezone.now(), attempts=1
    )
    assert emails_recover_interrupted() == 0
    assert email_send(outbound_id=email.pk) is False
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_connection_lost_after_the_hand_over_is_not_retried(settings, monkeypatch):
    email = outbound("cut", "a@example.com")

    def cut(self, messages):
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", cut)
    assert email_send(outbound_id=email.pk) is False
    email.refresh_from_db()
    assert email.state == "failed" and "may have been delivered" in email.last_error
    assert emails_recover_interrupted() == 0


@pytest.mark.django_db
def test_a_server_that_cannot_be_reached_leaves_the_email_due_again(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    email = outbound("refused", "a@example.com")
    assert email_send(outbound_id=email.pk) is False
    email.refresh_from_db()
    assert email.state == "pending" and email.attempts == 1 and email.due_at > timezone.now()
