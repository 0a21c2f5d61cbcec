"""One change, many pages, several server processes: the doorbells over Redis pub/sub.

Two channel layers stand for two server processes (each its own Redis subscription and its own pages);
pages on both watch one ticket. A change is published once per group and reaches every page exactly
once, with the same frame; a process that did not hear a doorbell (its subscription gone for a while,
as when it reconnects to Redis) still brings its page every event, read from the database."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.conf import settings
from django.test import Client
from django.urls import path

from helpdesk.asgi import application
from tests.websocket import WebsocketClient
from tickets import services
from tickets.models import Channel
from workspace.live.consumer import LiveConsumer
from workspace.live.streams import group_name
from workspace.models import LiveStream

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("other_threads_connections_ended")]

PUBSUB = "channels_redis.pubsub.RedisPubSubChannelLayer"


class ElsewhereConsumer(LiveConsumer):
    """The live consumer as a second server process runs it: on a channel layer of its own."""

    channel_layer_alias = "elsewhere"


elsewhere = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter([path("ws/live/", ElsewhereConsumer.as_asgi())])))


@pytest.fixture(autouse=True)
def two_processes(settings):
    """The configured layer, and a second instance of it standing for another server process."""
    layer = settings.CHANNEL_LAYERS["default"]
    assert layer["BACKEND"] == PUBSUB, "the doorbells go over Redis pub/sub"
    settings.CHANNEL_LAYERS = {"default": dict(layer), "elsewhere": dict(layer)}
    assert get_channel_layer("default") is not get_channel_layer("elsewhere")
    return layer


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return async_to_sync(scenario)()


def page(app: Any, user: Any) -> WebsocketClient:
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"), (b"cookie", cookie.encode())]
    return WebsocketClient(app, "/ws/live/", headers=headers)


async def watching(socket: WebsocketClient, stream: str, after: int) -> None:
    assert (await socket.connect())[0]
    await socket.send_json_to({"subscribe": stream, "after": after})
    answer = await socket.receive_json_from(timeout=5)
    assert answer == {"stream": stream, "subscribed": True, "seq": after}, answer


async def frames_until(socket: WebsocketClient, seq: int) -> list[str]:
    """The texts the page receives up to the event numbered `seq`, then none more for a moment."""
    texts: list[str] = []
    while not texts or json.loads(texts[-1])["seq"] < seq:
        response = await socket.receive_output(timeout=5)
        assert response["type"] == "websocket.send", response
        texts.append(response["text"])
    assert await socket.receive_nothing(timeout=0.5), "a page heard more than the change"
    return texts


def last_seq(stream: str) -> int:
    return LiveStream.objects.get(name=stream).last_seq


def subscribers(layer: dict[str, Any], stream: str) -> int:
    """How many Redis subscriptions the stream's group has: one per process with a page in it."""
    channel = f"{layer['CONFIG']['prefix']}__group__{group_name(stream)}"
    with redis.Redis.from_url(settings.REDIS_URL) as client:
        return int(dict(client.pubsub_numsub(channel)).get(channel.encode(), 0))


async def until_subscribers(layer: dict[str, Any], stream: str, count: int) -> None:
    deadline = time.monotonic() + 5
    while await database_sync_to_async(subscribers)(layer, stream) != count:
        assert time.monotonic() < deadline, f"the group never had {count} subscriptions"
        await database_sync_to_async(time.sleep)(0.02)


def new_ticket(actors) -> Any:
    return services.ticket_create(
        customer=actors.customer, subject="Parcel late", body="Where is it?", channel=Channel.WEB
    )


def test_one_change_reaches_every_page_of_every_process_once_with_the_same_frame(actors, two_processes):
    ticket = new_ticket(actors)
    stream = f"ticket:{ticket.pk}"
    before = last_seq(stream)

    async def scenario() -> tuple[int, int, list[list[str]]]:
        here = [page(application, actors.l1), page(application, actors.l2)]
        there = [page(elsewhere, actors.l2), page(elsewhere, actors.l3)]
        for socket in here + there:
            await watching(socket, stream, before)
        await until_subscribers(two_processes, stream, 2)
        held = await database_sync_to_async(subscribers)(two_processes, stream)
        await database_sync_to_async(services.message_add_note)(ticket=ticket, author=actors.l1, body="checking")
        newest = await database_sync_to_async(last_seq)(stream)
        heard = [await frames_until(socket, newest) for socket in here + there]
        for socket in here + there:
            await socket.disconnect()
        return held, newest, heard

    held, newest, heard = run(scenario)

    assert held == 2  # four pages, two processes: one subscription each
    assert newest > before
    first = heard[0]
    assert [json.loads(text)["seq"] for text in first] == list(range(before + 1, newest + 1))
    assert all(texts == first for texts in heard), heard  # the same text on every page, each event once
    note = [json.loads(text) for text in first if json.loads(text)["kind"] == "message"]
    assert note and note[0]["stream"] == stream and note[0]["payload"]["message_kind"] == "note"


def test_a_process_that_missed_a_doorbell_brings_its_page_every_event_from_the_database(actors, two_processes):
    ticket = new_ticket(actors)
    stream = f"ticket:{ticket.pk}"
    before = last_seq(stream)

    async def scenario() -> tuple[bool, int, int, list[str], list[str]]:
        here, there = page(application, actors.l1), page(elsewhere, actors.l2)
        for socket in (here, there):
            await watching(socket, stream, before)
        await until_subscribers(two_processes, stream, 2)
        # The other process loses its subscription for a while (what a Redis reconnect does) ...
        shard_layer = get_channel_layer("elsewhere")._get_layer()
        channel = shard_layer._get_group_channel_name(group_name(stream))
        shard = shard_layer._get_shard(channel)
        await shard.unsubscribe(channel)
        await until_subscribers(two_processes, stream, 1)
        await database_sync_to_async(services.message_add_note)(ticket=ticket, author=actors.l1, body="one")
        missed = await database_sync_to_async(last_seq)(stream)
        unheard = await there.receive_nothing(timeout=0.5)
        # ... and has it again: the next doorbell tells of the next change only.
        await shard.subscribe(channel)
        await until_subscribers(two_processes, stream, 2)
        await database_sync_to_async(services.message_add_note)(ticket=ticket, author=actors.l1, body="two")
        newest = await database_sync_to_async(last_seq)(stream)
        heard_here = await frames_until(here, newest)
        heard_there = await frames_until(there, newest)
        for socket in (here, there):
            await socket.disconnect()
        return unheard, missed, newest, heard_here, heard_there

    unheard, missed, newest, heard_here, heard_there = run(scenario)

    assert unheard and before < missed < newest
    expected = list(range(before + 1, newest + 1))
    assert [json.loads(text)["seq"] for text in heard_here] == expected
    assert [json.loads(text)["seq"] for text in heard_there] == expected  # the missed ones read, none twice
    assert [json.loads(text) for text in heard_there] == [json.loads(text) for text in heard_here]
