"""Numbered live streams: the one way a change reaches the pages that watch it.

A writer calls `publish` (or `publish_many`) inside its own transaction. Each stream's number is
advanced on its `LiveStream` row, which stays locked until that transaction ends, so numbers are
given in commit order with no gaps: a page that saw number 7 and asks for what came after misses
nothing. After the commit a doorbell goes to the stream's Channels group (Redis pub/sub: one PUBLISH,
heard once by each server process with a page in the group, which hands it to those pages in memory).
The channel layer delivers at most once and may drop a message (a process restarting or reconnecting
to Redis hears nothing meanwhile): a lost doorbell delays an update until the next one, the page's
check-in or its next reconnect, it loses nothing. A doorbell carries its stream's new events (up to
RUNG_EVENTS_MAX), each as the frame a page receives, encoded once here for all the pages: a consumer
that has seen everything before them sends the frames on as they are, without reading the database;
one that sees a gap reads it.

Streams: `ticket:<id>` (its thread and properties), `queue:team:<id>` (rows of a team's queue),
`user:<id>` (the bell) and `approvals:team:<id>` / `approvals:all` (compensation requests)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import LiveEvent, LiveStream

logger = logging.getLogger(__name__)

STREAM_NAME = re.compile(r"^[a-z]+(:[a-z0-9_]+){1,3}$")
DOORBELL = "live.doorbell"
DOORBELL_TIMEOUT = 2.0  # seconds: a slow or absent Redis must not hold a request up
RUNG_EVENTS_MAX = 20  # events carried by one doorbell; a larger batch is read from the database

Change = tuple[str, str, dict[str, Any]]  # stream, kind, payload


def is_stream_name(stream: str) -> bool:
    return len(stream) <= 90 and bool(STREAM_NAME.match(stream))


def check_stream(stream: str) -> str:
    if not is_stream_name(stream):
        raise ValueError(f"not a live stream name: {stream!r}")
    return stream


def group_name(stream: str) -> str:
    """The Channels group of a stream (group names allow no colon)."""
    return "live." + check_stream(stream).replace(":", ".")


def publish(stream: str, kind: str, payload: dict[str, Any] | None = None) -> None:
    publish_many([(stream, kind, payload or {})])


def publish_many(changes: Iterable[Change]) -> None:
    """Number and store the changes in the caller's transaction; ring each stream's bell after commit."""
    rows = [(check_stream(stream), kind, payload) for stream, kind, payload in changes]
    if not rows:
        return
    counts = Counter(stream for stream, _kind, _payload in rows)
    with transaction.atomic(savepoint=False):  # the caller's transaction, if any: no savepoint
        last = _advance(counts)
        next_seq = {name: last[name] - count + 1 for name, count in counts.items()}
        events = []
        for stream, kind, payload in rows:
            events.append(LiveEvent(stream=stream, seq=next_seq[stream], kind=kind, payload=payload))
            next_seq[stream] += 1
        LiveEvent.objects.bulk_create(events)
        rung: dict[str, list[dict[str, Any]]] = {name: [] for name in counts}
        for event in events:
            if counts[event.stream] <= RUNG_EVENTS_MAX:  # a larger batch is read from the database
                rung[event.stream].append(rung_item(event))
        transaction.on_commit(lambda: ring(rung))


def frame(event: LiveEvent) -> str:
    """The text a watching page receives for an event (static/js/live.js reads it)."""
    return json.dumps({"stream": event.stream, "seq": event.seq, "kind": event.kind, "payload": event.payload})


def rung_item(event: LiveEvent) -> dict[str, Any]:
    """An event as a doorbell or a replay carries it: its number, and its frame encoded once."""
    return {"seq": event.seq, "frame": frame(event)}


def _advance(counts: Counter[str]) -> dict[str, int]:
    """Advance the streams' numbers in one statement, locking their rows in name order (the same
    order in every writer, so two writers of the same streams queue up instead of deadlocking)."""
    table = connection.ops.quote_name(LiveStream._meta.db_table)
    names = sorted(counts)
    values = ", ".join(["(%s, %s)"] * len(names))
    params: list[Any] = [item for name in names for item in (name, counts[name])]
    sql = (
        f"INSERT INTO {table} (name, last_seq) VALUES {values} "  # noqa: S608 (names are placeholders)
        f"ON CONFLICT (name) DO UPDATE SET last_seq = {table}.last_seq + EXCLUDED.last_seq "
        "RETURNING name, last_seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {name: int(seq) for name, seq in cursor.fetchall()}


def ring(changed: dict[str, list[dict[str, Any]]]) -> None:
    """Tell the watching consumers that their streams moved on, with the new events of each (as
    `rung_item` makes them; none for a stream whose batch was too large to carry). Streams
    few pages watch (a ticket, a person's bell) go first, a team's queue last. Redis failing is logged
    and ignored: the events are in the database, and pages catch up when they next hear or reconnect."""
    layer = get_channel_layer()
    if layer is None:
        return
    names = sorted(changed, key=lambda name: (name.startswith("queue:"), name))

    async def send_all() -> None:
        for stream in names:
            message: dict[str, Any] = {"type": DOORBELL, "stream": stream}
            if 0 < len(changed[stream]) <= RUNG_EVENTS_MAX:
                message["events"] = changed[stream]
            await layer.group_send(group_name(stream), message)

    async def bounded() -> None:
        await asyncio.wait_for(send_all(), DOORBELL_TIMEOUT)

    try:
        _run_async(bounded)
    except Exception:
        logger.warning("live doorbell not sent for %s", ", ".join(names), exc_info=True)


def _run_async(work: Any) -> None:
    """Run a coroutine function to its end from synchronous code, also from a thread that already
    runs an event loop (async_to_sync refuses that thread, so a helper thread does it)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(work)()
        return
    failure: list[BaseException] = []

    def target() -> None:
        try:
            async_to_sync(work)()
        except BaseException as error:
            failure.append(error)

    helper = threading.Thread(target=target, name="live-doorbell")
    helper.start()
    helper.join()
    if failure:
        raise failure[0]


def events_after(stream: str, after: int, *, limit: int) -> list[LiveEvent]:
    """The stream's events numbered above `after`, oldest first, at most `limit`."""
    return list(LiveEvent.objects.filter(stream=stream, seq__gt=after).order_by("seq")[:limit])


def newest_seq(stream: str) -> int:
    return int(LiveStream.objects.filter(name=stream).values_list("last_seq", flat=True).first() or 0)


def start_for_page(stream: str, rendered: datetime, *, cap: int) -> int:
    """Where a page rendered at `rendered` starts: after the events created before it, and never
    more than `cap` behind the newest (a page just rendered shows what a busy stream said meanwhile;
    telling it to reload would only render it again)."""
    return max(seq_before(stream, rendered), newest_seq(stream) - cap)


def seq_before(stream: str, moment: datetime) -> int:
    """The number a page rendered at `moment` had seen: the last event created before it."""
    seq = (
        LiveEvent.objects.filter(stream=stream, created_at__lt=moment)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    if seq is not None:
        return int(seq)
    # Nothing kept from before: either nothing happened yet, or it was pruned long ago.
    oldest = LiveEvent.objects.filter(stream=stream).order_by("seq").values_list("seq", flat=True).first()
    return int(oldest) - 1 if oldest is not None else 0


def live_events_prune(*, older_than_hours: int | None = None) -> int:
    """Drop the events older than the retention; a stream's number (its LiveStream row) stays."""
    hours = settings.LIVE_EVENTS_KEEP_HOURS if older_than_hours is None else older_than_hours
    deleted, _by_model = LiveEvent.objects.filter(created_at__lt=timezone.now() - timedelta(hours=hours)).delete()
    return deleted
