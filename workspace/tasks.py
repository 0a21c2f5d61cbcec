import socket
import uuid

from celery import shared_task

from .models import WorkerHeartbeat


@shared_task(name="workspace.tasks.heartbeat")
def heartbeat(token: str = "") -> str:
    """Record that a worker is alive. Safe to run twice: the token is unique."""
    token = token or uuid.uuid4().hex
    WorkerHeartbeat.objects.get_or_create(token=token, defaults={"hostname": socket.gethostname()})
    return token


@shared_task(name="workspace.tasks.prune_live_events")
def prune_live_events() -> int:
    """Drop live events past their retention (beat, hourly); safe to run twice."""
    from .live.streams import live_events_prune

    return live_events_prune()
