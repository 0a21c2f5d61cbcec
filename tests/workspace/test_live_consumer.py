"""The live websocket, through the real ASGI stack (sessions, origin check, routing), on the real
Redis channel layer: who may connect and watch what, replay, doorbells, presence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from helpdesk.asgi import application
from tests.websocket import WebsocketClient as WebsocketCommunicator
from tickets import services
from tickets.models import Channel
from workspace.live.streams import group_name, publish, rung_item
from workspace.models import LiveEvent, LiveStream

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("other_threads_connections_ended")]


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return async_to_sync(scenario)()


def socket_for(client: Any, user: Any | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if user is not None:
        client.force_login(user)
        headers.append(
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())
        )
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


def carried(stream: str, seq: int, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An event as a doorbell carries it (not stored)."""
    return rung_item(LiveEvent(stream=stream, seq=seq, kind=kind, payload=payload))


def new_ticket(actors) -> Any:
    return services.ticket_create(
        customer=actors.customer, subject="Parcel late", body="Where is it?", channel=Channel.WEB
    )


async def received(socket: WebsocketCommunicator, count: int) -> list[dict[str, Any]]:
    return [await socket.receive_json_from(timeout=5) for _ in range(count)]


def test_a_visitor_who_is_not_signed_in_is_turned_away(client):
    async def scenario() -> Any:
        socket = socket_for(client, None)
        connected, code = await socket.connect()
        await socket.disconnect()
        return connected, code

    assert run(scenario) == (False, 4401)


def test_a_customer_account_without_agent_rights_is_turned_away(client, actors):
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user("outsider", "o@example.com", "pw")

    async def scenario() -> Any:
        socket = socket_for(client, outsider)
        connected, code = await socket.connect()
        await socket.disconnect()
        return connected, code

    assert run(scenario) == (False, 4403)


def test_an_agent_cannot_watch_another_teams_ticket_or_another_persons_bell(client, actors):
    ticket = new_ticket(actors)  # Europe's

    async def scenario() -> list[dict[str, Any]]:
        socket = socket_for(client, actors.other_team_agent)
        assert (await socket.connect())[0]
        for stream in (f"ticket:{ticket.pk}", f"queue:team:{ticket.team_id}", f"user:{actors.l1.pk}", "approvals:all"):
            await socket.send_json_to({"subscribe": stream, "after": 0})
        answers = await received(socket, 4)
        await socket.disconnect()
        return answers

    answers = run(scenario)

    assert all(answer.get("refused") for answer in answers), answers
    assert not any("seq" in answer and "kind" in answer for answer in answers)


def test_a_page_gets_what_it_missed_then_each_change_once(client, actors):
    ticket = new_ticket(actors)
    stream = f"ticket:{ticket.pk}"
    for _ in range(3):
        services.message_add_note(ticket=ticket, author=actors.l1, body="checking")
    seen = LiveStream.objects.get(name=stream).last_seq - 2  # the page saw all but the last two notes

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
        socket = socket_for(client, actors.l2)
        assert (await socket.connect())[0]
        await socket.send_json_to({"subscribe": stream, "after": seen})
        replay = await received(socket, 3)
        # A reply by someone else, committed: the doorbell brings it.
        await database_sync_to_async(services.message_add_reply)(ticket=ticket, author=actors.l1, body="On its way.")
        newest = await database_sync_to_async(lambda: LiveStream.objects.get(name=stream).last_seq)()
        live = [await socket.receive_json_from(timeout=5)]
        while live[-1]["seq"] < newest:
            live.append(await socket.receive_json_from(timeout=5))
        # The same doorbell rung again, and one for a stream the page does not watch: nothing is sent twice.
        layer = get_channel_layer()
        await layer.group_send(group_name(stream), {"type": "live.doorbell", "stream": stream})
        extra = await socket.receive_nothing(timeout=0.5)
        await socket.disconnect()
        return replay, live, extra

    replay, live, nothing_more = run(scenario)

    assert [(m["seq"], m["payload"]["message_kind"]) for m in replay[:2]] == [(seen + 1, "note"), (seen + 2, "note")]
    assert replay[2] == {"stream": stream, "subscribed": True, "seq": seen + 2}
    seqs = [m["seq"] for m in live]
    assert seqs == list(range(seen + 3, seen + 3 + len(seqs))), live  # in order, no gap, none repeated
    assert any(m["kind"] == "message" and m["payload"]["message_kind"] == "reply" for m in live)
    assert any(m["kind"] == "event" and m["payload"]["event"] == "status" for m in live)  # new -> open
    assert nothing_more


def test_a_doorbell_brings_its_events_and_a_gap_is_filled_from_the_database(client, actors):
    """A doorbell whose events follow what the page saw is passed on as it is (the database is not
    read: an event it never held arrives); after a gap the consumer reads what the database holds."""
    ticket = new_ticket(actors)
    stream = f"ticket:{ticket.pk}"
    newest = LiveStream.objects.get(name=stream).last_seq

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        socket = socket_for(client, actors.l2)
        assert (await socket.connect())[0]
        await socket.send_json_to({"subscribe": stream, "after": newest})
        assert (await socket.receive_json_from(timeout=5))["subscribed"]
        layer = get_channel_layer()
        rung = carried(stream, newest + 1, "event", {"event": "carried"})
        await layer.group_send(group_name(stream), {"type": "live.doorbell", "stream": stream, "events": [rung]})
        direct = await received(socket, 1)
        # Two notes stored, but the doorbell tells of the second only: the first is read from the database.
        await database_sync_to_async(services.message_add_note)(ticket=ticket, author=actors.l1, body="one")
        await database_sync_to_async(services.message_add_note)(ticket=ticket, author=actors.l1, body="two")
        stored = await database_sync_to_async(lambda: LiveStream.objects.get(name=stream).last_seq)()
        late = carried(stream, stored, "message", {"message_kind": "note"})
        await layer.group_send(group_name(stream), {"type": "live.doorbell", "stream": stream, "events": [late]})
        filled = []
        while not filled or filled[-1]["seq"] < stored:
            filled.append(await socket.receive_json_from(timeout=5))
        await socket.disconnect()
        return direct, filled

    direct, filled = run(scenario)

    assert direct == [{"stream": stream, "seq": newest + 1, "kind": "event", "payload": {"event": "carried"}}]
    seqs = [m["seq"] for m in filled]
    assert seqs == sorted(set(seqs)) and seqs[-1] == LiveStream.objects.get(name=stream).last_seq


def test_a_page_that_missed_too_much_is_told_to_reload(client, actors, settings):
    settings.LIVE_REPLAY_MAX = 3
    for n in range(5):
        with transaction.atomic():
            publish(f"user:{actors.l1.pk}", "notice", {"n": n})

    async def scenario() -> list[dict[str, Any]]:
        socket = socket_for(client, actors.l1)
        assert (await socket.connect())[0]
        await socket.send_json_to({"subscribe": f"user:{actors.l1.pk}", "after": 1})  # 4 missed: too many
        await socket.send_json_to({"subscribe": f"user:{actors.l1.pk}", "after": 3})  # after a reload: 2
        answers = await received(socket, 4)
        await socket.disconnect()
        return answers

    answers = run(scenario)

    assert answers[0] == {"stream": f"user:{actors.l1.pk}", "reload": True}
    assert [a.get("seq") for a in answers[1:]] == [4, 5, 5]
    assert answers[3]["subscribed"] is True


def test_a_page_rendered_earlier_asks_by_time_and_misses_nothing(client, actors, clock):
    from datetime import timedelta

    from django.utils import timezone

    ticket = new_ticket(actors)  # its events are older than the page
    clock.shift(timedelta(minutes=1))
    rendered = timezone.now()
    clock.shift(timedelta(minutes=5))
    services.message_add_note(ticket=ticket, author=actors.l1, body="after the page was rendered")

    async def scenario() -> list[dict[str, Any]]:
        socket = socket_for(client, actors.l2)
        assert (await socket.connect())[0]
        await socket.send_json_to({"subscribe": f"ticket:{ticket.pk}", "since": rendered.isoformat()})
        answers = await received(socket, 2)
        await socket.disconnect()
        return answers

    note, subscribed = run(scenario)

    assert note["kind"] == "message" and note["payload"]["message_kind"] == "note"
    assert subscribed == {"stream": f"ticket:{ticket.pk}", "subscribed": True, "seq": note["seq"]}


def test_others_on_the_ticket_hear_who_is_viewing_and_typing(client, actors):
    from django.test import Client

    ticket = new_ticket(actors)
    stream = f"ticket:{ticket.pk}"
    actors.l1.first_name, actors.l1.last_name = "Anna", "Berg"
    actors.l1.save()

    async def scenario() -> tuple[list[dict[str, Any]], bool]:
        anna = socket_for(client, actors.l1)
        bruno = socket_for(Client(), actors.l2)
        assert (await anna.connect())[0] and (await bruno.connect())[0]
        for socket in (anna, bruno):
            await socket.send_json_to({"subscribe": stream, "after": 0})
            while not (await socket.receive_json_from(timeout=5)).get("subscribed"):
                pass
        await anna.send_json_to({"viewing": ticket.pk, "hello": True})
        await anna.send_json_to({"typing": ticket.pk})
        heard = [(await bruno.receive_json_from(timeout=5))["presence"] for _ in range(2)]
        anna_hears_herself = await anna.receive_nothing(timeout=0.3)
        await anna.disconnect()
        heard.append((await bruno.receive_json_from(timeout=5))["presence"])
        await bruno.disconnect()
        return heard, anna_hears_herself

    heard, anna_hears_nothing = run(scenario)

    assert [(p["name"], p["state"]) for p in heard] == [
        ("Anna Berg", "viewing"),
        ("Anna Berg", "typing"),
        ("Anna Berg", "left"),
    ]
    assert all(p["ticket"] == ticket.pk for p in heard)
    assert anna_hears_nothing


def test_a_supervisor_who_has_not_confirmed_a_code_gets_no_socket_where_two_factor_is_required(
    client, actors, settings
):
    settings.TWO_FACTOR_REQUIRED = True

    async def scenario() -> Any:
        socket = socket_for(client, actors.supervisor)
        connected, code = await socket.connect()
        await socket.disconnect()
        return connected, code

    assert run(scenario) == (False, 4403)


def test_a_page_ahead_of_the_stream_is_told_to_reload(client, actors):
    """Numbers the stream never reached (the database restored from an older backup): the page's
    state cannot be trusted, so it renders afresh."""
    with transaction.atomic():
        publish(f"user:{actors.l1.pk}", "notice")

    async def scenario() -> dict[str, Any]:
        socket = socket_for(client, actors.l1)
        assert (await socket.connect())[0]
        await socket.send_json_to({"subscribe": f"user:{actors.l1.pk}", "after": 40})
        answer = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return answer

    assert run(scenario) == {"stream": f"user:{actors.l1.pk}", "reload": True}


def test_a_doorbell_reaches_the_page_without_a_trip_to_the_database_thread(client, actors, monkeypatch):
    """Every page watching a stream gets its doorbell: handling one must not queue behind the other
    pages on the process's one database thread (Channels closes old connections there before each
    message by default)."""
    import channels.consumer

    trips: list[int] = []

    async def counted() -> None:
        trips.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    ticket = new_ticket(actors)
    stream = f"ticket:{ticket.pk}"
    newest = LiveStream.objects.get(name=stream).last_seq

    async def scenario() -> list[dict[str, Any]]:
        socket = socket_for(client, actors.l2)
        assert (await socket.connect())[0]
        await socket.send_json_to({"subscribe": stream, "after": newest})
        assert (await socket.receive_json_from(timeout=5))["subscribed"]
        event = carried(stream, newest + 1, "event", {"event": "status"})
        await get_channel_layer().group_send(
            group_name(stream), {"type": "live.doorbell", "stream": stream, "events": [event]}
        )
        got = await received(socket, 1)
        await socket.disconnect()
        return got

    assert run(scenario)[0]["seq"] == newest + 1
    assert trips == []


def test_a_page_checking_in_gets_what_a_dropped_doorbell_left_unsaid(client, actors, monkeypatch):
    import workspace.live.streams

    ticket = new_ticket(actors)
    stream = f"ticket:{ticket.pk}"
    newest = LiveStream.objects.get(name=stream).last_seq

    async def scenario() -> tuple[bool, list[dict[str, Any]]]:
        socket = socket_for(client, actors.l2)
        assert (await socket.connect())[0]
        await socket.send_json_to({"subscribe": stream, "after": newest})
        assert (await socket.receive_json_from(timeout=5))["subscribed"]
        monkeypatch.setattr(workspace.live.streams, "ring", lambda changed: None)  # every doorbell dropped
        await database_sync_to_async(services.message_add_note)(ticket=ticket, author=actors.l1, body="seen?")
        unheard = await socket.receive_nothing(timeout=0.5)
        await socket.send_json_to({"sync": stream})
        stored = await database_sync_to_async(lambda: LiveStream.objects.get(name=stream).last_seq)()
        made_up = await received(socket, stored - newest)
        await socket.disconnect()
        return unheard, made_up

    unheard, made_up = run(scenario)

    assert unheard
    assert [m["seq"] for m in made_up] == list(range(newest + 1, newest + 1 + len(made_up)))
    assert any(m["kind"] == "message" and m["payload"]["message_kind"] == "note" for m in made_up)
