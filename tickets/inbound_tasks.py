"""The periodic mailbox read; beat runs it, and it is safe to run twice at once
(a message read by both is de-duplicated by its Message-ID)."""

from __future__ import annotations

from celery import shared_task

from .inbound import mail_fetch


@shared_task(name="tickets.tasks.fetch_mail")
def fetch_mail() -> int:
    return mail_fetch()
