"""The channel layer of the live pages: channels-redis's Redis pub/sub layer, with each page's queue
capped.

Pub/sub hands every message for a page to an in-process queue that channels-redis leaves unbounded,
so a page that cannot keep up (a socket stuck on a slow network) would hold its doorbells in memory
for as long as it stays open. Here a page's queue keeps at most `capacity` messages; when it is full
the oldest goes to make room. Nothing is lost by that: a doorbell only says a stream moved, the
events are numbered in the database, and the consumer reads what it missed from there at the next
doorbell after a gap, or at the page's next check-in (workspace/live/consumer.py). Presence notes
dropped the same way are refreshed by the pages every few seconds.

channels-redis is pinned (pyproject.toml): this subclasses its loop layer's queue creation."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, _wrap_close

logger = logging.getLogger(__name__)


class DroppingQueue(asyncio.Queue[Any]):
    """A bounded queue that drops its oldest message, not the new one, when full (the newest doorbell
    carries the latest events; a page seeing a gap reads the database anyway)."""

    dropped = 0

    def put_nowait(self, item: Any) -> None:
        if self.full():
            self.get_nowait()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                logger.warning("a live page is not keeping up: %s messages dropped from its queue", self.dropped)
        super().put_nowait(item)


class _CappedLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args: Any, capacity: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.capacity = capacity

    async def _subscribe_to_channel(self, channel: str) -> None:
        self.channels[channel] = DroppingQueue(self.capacity)
        await self._get_shard(channel).subscribe(channel)


class CappedPubSubChannelLayer(RedisPubSubChannelLayer):
    """RedisPubSubChannelLayer whose pages each queue at most `capacity` messages (CONFIG "capacity")."""

    def __init__(self, *args: Any, capacity: int = 100, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.capacity = max(1, capacity)

    def _get_layer(self) -> RedisPubSubLoopLayer:
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = _CappedLoopLayer(*self._args, capacity=self.capacity, channel_layer=self, **self._kwargs)
            self._layers[loop] = layer
            _wrap_close(self, loop)
        return layer
