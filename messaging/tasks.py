"""Celery tasks: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="messaging.tasks.process_event")
def process_event(event_id: int) -> str:
    return services.event_process(event_id=event_id)


@shared_task(name="messaging.tasks.send_outbound")
def send_outbound(outbound_id: int) -> str:
    return services.outbound_send(outbound_id=outbound_id)


@shared_task(name="messaging.tasks.fetch_media")
def fetch_media(fetch_id: int) -> str:
    return services.media_fetch(fetch_id=fetch_id)


@shared_task(name="messaging.tasks.sweep")
def sweep() -> dict[str, int]:
    """The beat's catch-up: waiting events, replies and media due (a lost task message delays by one sweep)."""
    return {
        "events": services.events_process_waiting(),
        "sent": services.outbound_send_due(),
        "media": services.media_fetch_due(),
    }


@shared_task(name="messaging.tasks.queue_messages")
def queue_messages() -> int:
    """Waiting app users whose place in the queue changed a lot are told again (the database says who)."""
    return services.queue_messages_sweep()


@shared_task(name="messaging.tasks.purge_events")
def purge_events() -> int:
    return services.events_purge()
