"""The chat's background work: telling queued visitors their place when the queue moved (enqueued
after each change), and the sweep that the beat runs (places that moved with time or shifts, the
replies a visitor did not see, sent by email)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def announce_queue(team_id: int) -> int:
    return services.chat_queue_announce(team_ids=[team_id])


@shared_task(ignore_result=True)
def sweep() -> dict[str, int]:
    return {
        "told": services.chat_queue_announce(),
        "emailed": services.chat_unseen_replies_email(),
    }
