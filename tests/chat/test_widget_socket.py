"""The widget's websocket through the real ASGI stack and the Redis channel layer: what was missed,
then each new event once; an agent typing is shown to the visitor and the visitor's typing to the
agents; an agent with the ticket open marks the visitor's messages read."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from chat import services
from chat.models import ChatConversation
from helpdesk.asgi import application
from tests.websocket import WebsocketClient
from tickets.services import message_add_reply
from workspace.live import streams

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("other_threads_connections_ended")]

ORIGIN = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]


def widget_socket() -> WebsocketClient:
    return WebsocketClient(application, "/ws/chat/", headers=ORIGIN)


def agent_socket(user: Any) -> WebsocketClient:
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return WebsocketClient(application, "/ws/live/", headers=[*ORIGIN, (b"cookie", cookie.encode())])


async def until(socket: WebsocketClient, test: Any) -> dict[str, Any]:
    for _ in range(20):
        frame = await socket.receive_json_from(timeout=5)
        if test(frame):
            return frame
    raise AssertionError("never heard")


def test_a_widget_gets_what_it_missed_then_each_new_event_once(widget, actors):
    widget.start("Hello")
    widget.say("Anyone there?")
    chat = ChatConversation.objects.get()

    async def scenario() -> list[dict[str, Any]]:
        socket = widget_socket()
        assert (await socket.connect())[0]
        await socket.send_json_to({"token": widget.token, "after": 1})
        frames = [await socket.receive_json_from() for _ in range(3)]
        await database_sync_to_async(message_add_reply)(ticket=chat.ticket, author=actors.l1, body="Yes!")
        frames.append(await until(socket, lambda f: f.get("kind") == "message"))
        assert await socket.receive_nothing(timeout=0.5)
        await socket.disconnect()
        return frames

    place, missed, subscribed, live = async_to_sync(scenario)()
    assert (place["seq"], place["kind"], place["payload"]["position"]) == (2, "queue", 1)  # told after commit
    assert (missed["seq"], missed["payload"]["body"]) == (3, "Anyone there?")
    assert subscribed == {"subscribed": True, "seq": 3}
    assert (live["payload"]["author"], live["payload"]["body"]) == ("agent", "Yes!")


def test_a_widget_checking_in_gets_what_a_lost_doorbell_left_unsaid(widget, actors, monkeypatch):
    widget.start("Hello")
    chat = ChatConversation.objects.get()

    async def scenario() -> list[dict[str, Any]]:
        socket = widget_socket()
        assert (await socket.connect())[0]
        await socket.send_json_to({"token": widget.token, "after": 0})
        await until(socket, lambda f: f.get("subscribed"))
        with monkeypatch.context() as lost:  # Redis dropped the doorbell (a reconnect, a restart)
            lost.setattr(streams, "ring", lambda changed: None)
            await database_sync_to_async(message_add_reply)(ticket=chat.ticket, author=actors.l1, body="Yes!")
        assert await socket.receive_nothing(timeout=0.3)
        await socket.send_json_to({"ping": 1})  # the widget's ping, every 25 s
        frames = [await socket.receive_json_from(timeout=5)]
        while frames[-1] != {"pong": 1}:
            frames.append(await socket.receive_json_from(timeout=5))
        await socket.disconnect()
        return frames

    frames = async_to_sync(scenario)()
    assert [f["kind"] for f in frames[:-1]] == ["joined", "message"]  # the agent who answered, then the answer
    assert "Yes!" in str(frames[-2]["payload"])


def test_an_unknown_token_is_closed(widget):
    async def scenario() -> Any:
        socket = widget_socket()
        await socket.connect()
        await socket.send_json_to({"token": "guess", "after": 0})
        return await socket.receive_output(timeout=5)

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": 4401}


def test_typing_both_ways_and_the_agents_view_marks_the_visitors_messages_read(widget, actors):
    actors.l1.first_name, actors.l1.last_name = "Anna", "Berg"
    actors.l1.save()
    widget.start("Hello")
    chat = ChatConversation.objects.get()
    services.chat_accept(agent=actors.l1, conversation=chat)
    stream = f"ticket:{chat.ticket_id}"

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        visitor, anna = widget_socket(), agent_socket(actors.l1)
        assert (await visitor.connect())[0] and (await anna.connect())[0]
        await visitor.send_json_to({"token": widget.token, "after": 0})
        await until(visitor, lambda f: f.get("subscribed"))
        await anna.send_json_to({"subscribe": stream, "after": 0})
        await until(anna, lambda f: f.get("subscribed"))
        await anna.send_json_to({"typing": chat.ticket_id})
        typing = await until(visitor, lambda f: "typing" in f)
        await visitor.send_json_to({"typing": True})
        heard = await until(anna, lambda f: "presence" in f)
        await anna.send_json_to({"viewing": chat.ticket_id, "hello": True})
        read = await until(visitor, lambda f: f.get("kind") == "read")
        await visitor.disconnect()
        await anna.disconnect()
        return typing, heard, read

    typing, heard, read = async_to_sync(scenario)()
    assert typing == {"typing": {"name": "Anna"}}
    assert (heard["presence"]["state"], heard["presence"]["name"]) == ("typing", "Mei Tanaka (customer)")
    assert read["payload"]["upto"] == chat.ticket.messages.get().pk
