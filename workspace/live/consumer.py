"""The live websocket of an agent's page.

The page subscribes to streams (`{"subscribe": "ticket:12", "after": 7}`, or `"since": <when the
page was rendered>` on a first load); the consumer joins the stream's group, checks access, then
sends what the database holds after that number. A doorbell brings the stream's new events, each as
the frame the page receives (encoded once by the writer for every page): when they follow the last
number sent, the frames go to the page as they are; after a gap (a doorbell lost or late) the consumer
reads the database from the last number it sent. So a doorbell lost, late or
rung twice neither loses an event nor sends one twice. Too much missed, or missed events already
pruned: it tells the page to reload.

The database work of the process's consumers runs on one thread (Channels' way); there it keeps its
connection between calls instead of opening one per call, which under load cost more than the reads.

A page also checks in every minute or so (`{"sync": stream}`): a doorbell dropped on the way (Redis
pub/sub keeps nothing: a process restarting or reconnecting to Redis misses what was published
meanwhile) is made up then, even when no later doorbell comes.

Presence is ephemeral and never stored: `{"viewing": 12}` and `{"typing": 12}` go to the others
watching ticket 12 through the channel layer, each with a time to live the page counts down."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeGuard

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.utils.dateparse import parse_datetime
from django_otp import DEVICE_ID_SESSION_KEY

from helpdesk import roles
from helpdesk.names import person_name

from ..two_factor import requires_two_factor
from .access import may_watch
from .streams import check_stream, events_after, group_name, is_stream_name, newest_seq, rung_item, start_for_page

logger = logging.getLogger(__name__)

NOT_SIGNED_IN = 4401
NOT_ALLOWED = 4403
MAX_STREAMS = 20  # per socket: a page watches a handful
VIEWING_TTL = 45  # seconds; pages repeat "viewing" every 20
TYPING_TTL = 8  # seconds; pages repeat "typing" at most every 3 while keys are pressed
# A page rendered at a time T asks for what came after T: events created shortly before T may have
# committed after the page read the database, so those are sent again (showing one twice is harmless
# for the page, which puts each item in place by its id).
SINCE_MARGIN = timedelta(seconds=10)


def _may_connect(user: Any, session: Any) -> bool:
    if not roles.is_agent(user):
        return False
    return not requires_two_factor(user) or bool(session and session.get(DEVICE_ID_SESSION_KEY))


def _on_kept_connection(work: Callable[..., Any]) -> Callable[..., Any]:
    """`work` on the consumers' database thread, keeping that thread's connection between calls (one
    thread, one connection: none piles up). A connection found broken is opened again, once."""

    def run(*args: Any) -> Any:
        try:
            return work(*args)
        except (InterfaceError, OperationalError):
            connection.close()
            return work(*args)

    return sync_to_async(run, thread_sensitive=True)


def _events_from(stream: str, after: int) -> list[dict[str, Any]] | None:
    """The stream's events after `after`, as a doorbell carries them (`rung_item`); None when there are
    too many to replay or the first of them is pruned (the page renders afresh instead)."""
    cap = settings.LIVE_REPLAY_MAX
    events = events_after(stream, after, limit=cap + 1)
    if len(events) > cap or (events and events[0].seq != after + 1):
        return None
    return [rung_item(item) for item in events]


def _follows(rung: Any, after: int) -> TypeGuard[list[dict[str, Any]]]:
    """Whether a doorbell's events can be sent as they are to a page that saw up to `after`: frames,
    the first of them no later than the next number (a doorbell without them, or after a gap: read)."""
    if not isinstance(rung, list) or not rung:
        return False
    if not all(isinstance(item, dict) and isinstance(item.get("frame"), str) for item in rung):
        return False
    first = rung[0].get("seq")
    return isinstance(first, int) and first <= after + 1


def _start_after(content: dict[str, Any], stream: str) -> int | None:
    after = content.get("after")
    if isinstance(after, int) and not isinstance(after, bool) and after >= 0:
        # A number the stream never reached (its data restored from an older backup): start afresh.
        return after if after <= newest_seq(stream) else -1
    since = parse_datetime(str(content.get("since", "")))
    if since is None or since.tzinfo is None:
        return None
    moment: datetime = since - SINCE_MARGIN
    return int(start_for_page(stream, moment, cap=settings.LIVE_REPLAY_MAX))


def _open_stream(user: Any, stream: str, content: dict[str, Any]) -> tuple[int, list[dict[str, Any]] | None] | None:
    """Where a page starts on a stream and what it missed, in one call: None when it may not watch it
    or asked wrongly; no events (None) when it should reload."""
    if not may_watch(user, stream):
        return None
    after = _start_after(content, stream)
    if after is None:
        return None
    if after < 0:
        return after, None
    return after, _events_from(stream, after)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def dispatch(self, message: dict[str, Any]) -> None:
        """As Channels' own, but without a trip to the database thread to close old connections before
        each message: every page gets each doorbell, which reads nothing, and this consumer's reads run
        on the connection its thread keeps (`_on_kept_connection`)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message.get('type')!r}")
        await handler(message)

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.last: dict[str, int] = {}
        self.viewing: set[int] = set()
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=NOT_SIGNED_IN)
            return
        if not await database_sync_to_async(_may_connect)(self.user, self.scope.get("session")):
            await self.close(code=NOT_ALLOWED)
            return
        self.name = person_name(self.user)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for ticket_id in getattr(self, "viewing", set()):
            await self._announce(ticket_id, "left")
        for stream in getattr(self, "last", {}):
            await self.channel_layer.group_discard(group_name(stream), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        if "subscribe" in content:
            await self._subscribe(content)
        elif "viewing" in content:
            await self._presence(content.get("viewing"), "viewing", hello=bool(content.get("hello")))
        elif "typing" in content:
            await self._presence(content.get("typing"), "typing")
        elif "sync" in content:
            await self._catch_up(str(content.get("sync", "")))

    async def _subscribe(self, content: dict[str, Any]) -> None:
        stream = str(content.get("subscribe", ""))
        if stream in self.last:
            return
        if len(self.last) >= MAX_STREAMS or not is_stream_name(stream):
            await self.send_json({"stream": stream[:90], "refused": True})
            return
        # Join first, then read: a doorbell rung meanwhile waits behind this handler and finds nothing new.
        await self.channel_layer.group_add(group_name(stream), self.channel_name)
        opened = await _on_kept_connection(_open_stream)(self.user, stream, content)
        if opened is None or opened[1] is None:
            await self.channel_layer.group_discard(group_name(stream), self.channel_name)
            await self.send_json({"stream": stream, "refused" if opened is None else "reload": True})
            return
        self.last[stream] = opened[0]
        await self._send(stream, opened[1])
        await self.send_json({"stream": stream, "subscribed": True, "seq": self.last[stream]})

    async def live_doorbell(self, event: dict[str, Any]) -> None:
        stream = event.get("stream", "")
        if stream not in self.last:
            return
        rung = event.get("events")
        after = self.last[stream]
        if _follows(rung, after):
            await self._send(stream, [item for item in rung if item["seq"] > after])
            return
        await self._send(stream, await _on_kept_connection(_events_from)(stream, after))

    async def _catch_up(self, stream: str) -> None:
        """The page checks in now and then (`{"sync": "ticket:12"}`): whatever a doorbell dropped on
        the way (a server process restarted, its Redis connection made again) left unsaid is read from
        the database and sent now."""
        if stream in self.last:
            await self._send(stream, await _on_kept_connection(_events_from)(stream, self.last[stream]))

    async def _send(self, stream: str, events: list[dict[str, Any]] | None) -> None:
        """Send events (`rung_item`s) that follow the last number sent, each its frame as it was
        encoded; None (too much missed, or pruned): reload."""
        if events is None:
            await self._drop(stream)
            await self.send_json({"stream": stream, "reload": True})
            return
        for item in events:
            await self.send(text_data=item["frame"])
            self.last[stream] = item["seq"]

    async def _drop(self, stream: str) -> None:
        self.last.pop(stream, None)
        await self.channel_layer.group_discard(group_name(stream), self.channel_name)

    async def _presence(self, ticket_id: Any, state: str, *, hello: bool = False) -> None:
        if not isinstance(ticket_id, int) or f"ticket:{ticket_id}" not in self.last:
            return  # only on a ticket this page subscribed to (and so may see)
        if state == "viewing":
            self.viewing.add(ticket_id)
        await self._announce(ticket_id, state, hello=hello)

    async def _announce(self, ticket_id: int, state: str, *, hello: bool = False) -> None:
        ttl = TYPING_TTL if state == "typing" else VIEWING_TTL
        message = {
            "type": "live.presence",
            "ticket": ticket_id,
            "user": self.user.pk,
            "name": self.name,
            "state": state,
            "ttl": ttl,
            "hello": hello,
        }
        try:
            await self.channel_layer.group_send(group_name(check_stream(f"ticket:{ticket_id}")), message)
        except Exception:  # presence is a courtesy: Redis failing must not close the page's socket
            logger.warning("presence not sent for ticket %s", ticket_id, exc_info=True)

    async def live_presence(self, event: dict[str, Any]) -> None:
        ticket_id = event.get("ticket")
        if event.get("user") == self.user.pk or not isinstance(ticket_id, int):
            return
        if f"ticket:{ticket_id}" not in self.last:
            return
        await self.send_json(
            {
                "presence": {
                    "ticket": ticket_id,
                    "user": event.get("user"),
                    "name": event.get("name", ""),
                    "state": event.get("state"),
                    "ttl": event.get("ttl", VIEWING_TTL),
                }
            }
        )
        if event.get("hello") and ticket_id in self.viewing:
            await self._announce(ticket_id, "viewing")  # so a newcomer sees who was already here
