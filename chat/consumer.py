"""The widget's websocket (`/ws/chat/`), the visitor's side of docs/chat.md.

The first frame carries the visitor's token and the last event number the widget showed; the
consumer joins the conversation's stream and sends what the database holds after it, then each new
event as its doorbell rings (a lost doorbell is made up at the next one, or by the widget's
reconnect; nothing is sent twice). It also joins the ticket's group, where the agents' pages say who
views and who types: an agent typing is shown to the visitor, an agent viewing marks the visitor's
messages read. The visitor's own typing goes to the agents' pages the same way. Typing is never stored."""

from __future__ import annotations

import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from workspace.live.streams import group_name, newest_seq

from .models import ChatConversation
from .services import chat_agent_read, chat_events_after, chat_for_token, chat_read

logger = logging.getLogger(__name__)

UNKNOWN = 4401
TYPING_TTL = 8


def _conversation(token: str) -> ChatConversation | None:
    return chat_for_token(None, token)


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.conversation: ChatConversation | None = None
        self.last = 0
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.conversation is not None:
            for group in self._groups():
                await self.channel_layer.group_discard(group, self.channel_name)

    def _groups(self) -> list[str]:
        assert self.conversation is not None
        return [group_name(self.conversation.stream), group_name(f"ticket:{self.conversation.ticket_id}")]

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        if self.conversation is None:
            await self._hello(content)
        elif content.get("typing"):
            await self._typing()
        elif isinstance(content.get("read"), int):
            await database_sync_to_async(chat_read)(conversation=self.conversation, seq=content["read"])
        elif "ping" in content:  # every 25 s: also a check-in, for what a doorbell lost on the way left unsaid
            await self._send_new()
            await self.send_json({"pong": 1})

    async def _hello(self, content: dict[str, Any]) -> None:
        token, after = str(content.get("token", "")), content.get("after", 0)
        conversation = await database_sync_to_async(_conversation)(token[:128])
        if conversation is None or not isinstance(after, int) or isinstance(after, bool) or after < 0:
            await self.close(code=UNKNOWN)
            return
        self.conversation = conversation
        if after > await database_sync_to_async(newest_seq)(conversation.stream):
            after = 0  # a number this stream never gave (restored from an older backup): from the start
        self.last = after
        for group in self._groups():
            await self.channel_layer.group_add(group, self.channel_name)
        await self._send_new()
        await self.send_json({"subscribed": True, "seq": self.last})

    async def _send_new(self) -> None:
        assert self.conversation is not None
        events = await database_sync_to_async(chat_events_after)(self.conversation, self.last)
        if events is None:
            await self.send_json({"reload": True})  # too much missed, or pruned: the widget reloads it
            self.last = await database_sync_to_async(newest_seq)(self.conversation.stream)
            return
        for event in events:
            await self.send_json({"seq": event.seq, "kind": event.kind, "payload": event.payload})
            self.last = event.seq

    async def live_doorbell(self, event: dict[str, Any]) -> None:
        if self.conversation is not None and event.get("stream") == self.conversation.stream:
            await self._send_new()

    async def live_presence(self, event: dict[str, Any]) -> None:
        if self.conversation is None or not isinstance(event.get("user"), int):
            return  # the visitor's own typing, heard back
        if event.get("state") == "typing":
            await self.send_json({"typing": {"name": str(event.get("name", "")).split(" ")[0]}})
        elif event.get("state") == "viewing":
            await database_sync_to_async(chat_agent_read)(conversation_id=self.conversation.pk)

    async def _typing(self) -> None:
        assert self.conversation is not None
        with override(settings.LANGUAGE_CODE):
            name = _("%(name)s (customer)") % {"name": self.conversation.visitor_name}
        message = {
            "type": "live.presence",
            "ticket": self.conversation.ticket_id,
            "user": f"visitor:{self.conversation.pk}",
            "name": name,
            "state": "typing",
            "ttl": TYPING_TTL,
            "hello": False,
        }
        try:
            await self.channel_layer.group_send(group_name(f"ticket:{self.conversation.ticket_id}"), message)
        except Exception:  # typing is a courtesy: Redis failing must not close the widget's socket
            logger.warning("typing not sent for chat %s", self.conversation.pk, exc_info=True)
