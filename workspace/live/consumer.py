"""The live websocket of an agent's page.

The page subscribes to streams (`{"subscribe": "ticket:12", "after": 7}`, or `"since": <when the
page was rendered>` on a first load); the consumer checks access, joins the stream's group, then
sends what the database holds after that number. On each doorbell it reads the database again from
the last number it sent, so a doorbell lost, late or rung twice neither loses an event nor sends
one twice. Too much missed, or missed events already pruned: it tells the page to reload.

Presence is ephemeral and never stored: `{"viewing": 12}` and `{"typing": 12}` go to the others
watching ticket 12 through the channel layer, each with a time to live the page counts down."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django_otp import DEVICE_ID_SESSION_KEY

from helpdesk import roles
from helpdesk.names import person_name

from ..two_factor import requires_two_factor
from .access import may_watch
from .streams import check_stream, events_after, group_name, newest_seq, start_for_page

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


class LiveConsumer(AsyncJsonWebsocketConsumer):
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

    async def _subscribe(self, content: dict[str, Any]) -> None:
        stream = str(content.get("subscribe", ""))
        if stream in self.last:
            return
        if len(self.last) >= MAX_STREAMS or not await database_sync_to_async(may_watch)(self.user, stream):
            await self.send_json({"stream": stream[:90], "refused": True})
            return
        after = await self._start_after(content, stream)
        if after is None:
            await self.send_json({"stream": stream, "refused": True})
            return
        if after < 0:
            await self.send_json({"stream": stream, "reload": True})
            return
        # Join first, then read: a doorbell rung meanwhile waits behind this handler and finds nothing new.
        await self.channel_layer.group_add(group_name(stream), self.channel_name)
        self.last[stream] = after
        await self._send_new(stream, first=True)

    async def _start_after(self, content: dict[str, Any], stream: str) -> int | None:
        after = content.get("after")
        if isinstance(after, int) and not isinstance(after, bool) and after >= 0:
            # A number the stream never reached (its data restored from an older backup): start afresh.
            return after if after <= await database_sync_to_async(newest_seq)(stream) else -1
        since = parse_datetime(str(content.get("since", "")))
        if since is None or since.tzinfo is None:
            return None
        moment: datetime = since - SINCE_MARGIN
        return int(await database_sync_to_async(start_for_page)(stream, moment, cap=settings.LIVE_REPLAY_MAX))

    async def live_doorbell(self, event: dict[str, Any]) -> None:
        stream = event.get("stream", "")
        if stream in self.last:
            await self._send_new(stream)

    async def _send_new(self, stream: str, *, first: bool = False) -> None:
        cap = settings.LIVE_REPLAY_MAX
        after = self.last[stream]
        events = await database_sync_to_async(events_after)(stream, after, limit=cap + 1)
        if len(events) > cap or (events and events[0].seq != after + 1):
            # Too much to replay, or what was missed is pruned: the page renders afresh instead.
            await self._drop(stream)
            await self.send_json({"stream": stream, "reload": True})
            return
        for item in events:
            await self.send_json({"stream": stream, "seq": item.seq, "kind": item.kind, "payload": item.payload})
            self.last[stream] = item.seq
        if first:
            await self.send_json({"stream": stream, "subscribed": True, "seq": self.last[stream]})

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
