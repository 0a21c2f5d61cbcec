"""A live page that cannot keep up holds at most LIVE_PAGE_QUEUE messages in its server process: the
oldest go, the newest stay, and the page is still brought every event (read from the database)."""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from workspace.live.layer import CappedPubSubChannelLayer, DroppingQueue


def test_a_full_queue_drops_its_oldest_message():
    queue = DroppingQueue(3)
    for n in range(10):
        queue.put_nowait(n)
    assert queue.qsize() == 3 and queue.dropped == 7
    assert [queue.get_nowait() for _ in range(3)] == [7, 8, 9]


def test_the_configured_layer_caps_each_page(settings):
    layer = settings.CHANNEL_LAYERS["default"]
    assert layer["BACKEND"] == "workspace.live.layer.CappedPubSubChannelLayer"
    settings.CHANNEL_LAYERS = {
        "default": layer,
        "capped": {**layer, "CONFIG": {**layer["CONFIG"], "capacity": 5}},
    }
    capped = get_channel_layer("capped")
    assert isinstance(capped, CappedPubSubChannelLayer)

    async def scenario() -> list[int]:
        page = await capped.new_channel()
        await capped.group_add("slow-page-test", page)
        try:
            for n in range(50):  # a page whose handler never runs meanwhile
                await capped.group_send("slow-page-test", {"type": "live.doorbell", "n": n})
            queue = capped._get_layer().channels[page]
            for _ in range(100):  # until Redis has delivered all fifty to this process
                if queue.dropped + queue.qsize() >= 50:
                    break
                await asyncio.sleep(0.05)
            return [(await capped.receive(page))["n"] for _ in range(queue.qsize())]
        finally:
            await capped.group_discard("slow-page-test", page)
            await capped.flush()

    assert async_to_sync(scenario)() == [45, 46, 47, 48, 49]
