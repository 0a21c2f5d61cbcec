"""The widget against real server processes: two uvicorn processes on the test database and the real
Redis serve one conversation (the visitor on one, the agent on the other), a widget that reconnects
after its server restarted and Redis lost everything gets exactly what it missed, and a retried send
makes one message, also when the two tries race on two processes."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
import requests
from django.conf import settings
from django.test import Client
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from chat.models import ChatConversation, ChatState
from chat.services import chat_accept
from tests.asgi_server import AsgiServer
from tickets.models import MessageKind
from tickets.services import message_add_reply

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WAIT = 10.0  # seconds an expected frame may take at most
SERVER_ENV = {"CELERY_TASK_ALWAYS_EAGER": "1", "CHAT_STARTS_PER_IP_HOUR": "1000"}


@pytest.fixture
def start_servers(transactional_db, tmp_path) -> Iterator[Callable[[int], list[AsgiServer]]]:
    """Start n uvicorn processes at once (each on its own port), stopped after the test."""
    started: list[AsgiServer] = []

    def start(n: int) -> list[AsgiServer]:
        servers = [AsgiServer(tmp_path, env=SERVER_ENV) for _ in range(n)]
        failures: list[BaseException] = []

        def run(server: AsgiServer) -> None:
            try:
                server.start()
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=run, args=(server,)) for server in servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        started.extend(servers)
        if failures:
            raise failures[0]
        return servers

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def agent(actors):
    actors.l1.first_name, actors.l1.last_name = "Anna", "Berg"
    actors.l1.save()
    return actors.l1


def http() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback: never through a proxy from the environment
    return session


class Visitor:
    """The widget of one visitor: the HTTP API on whichever server is asked, the socket on one."""

    def __init__(self, site: Any) -> None:
        self.key = site.public_key
        self.token = ""
        self.http = http()

    def post(self, server: AsgiServer, path: str, data: dict[str, Any]) -> requests.Response:
        headers = {"Origin": server.url, "Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.http.post(f"{server.url}/chat/api/{self.key}/{path}", json=data, headers=headers, timeout=WAIT)

    def get(self, server: AsgiServer, path: str, **params: Any) -> requests.Response:
        headers = {"Origin": server.url, "Authorization": f"Bearer {self.token}"}
        return self.http.get(f"{server.url}/chat/api/{self.key}/{path}", params=params, headers=headers, timeout=WAIT)

    def start(self, server: AsgiServer, body: str) -> dict[str, Any]:
        response = self.post(
            server,
            "start",
            {"name": "Mei Tanaka", "email": "mei@example.com", "language": "en", "body": body, "client_id": "c-start"},
        )
        assert response.status_code == 201, response.text
        self.token = response.json()["token"]
        return response.json()["conversation"]

    def say(self, server: AsgiServer, body: str, client_id: str) -> requests.Response:
        return self.post(server, "messages", {"client_id": client_id, "body": body})

    @contextmanager
    def socket(self, server: AsgiServer, after: int) -> Iterator[Socket]:
        """The widget's socket on that server (its own origin), having asked for the events after `after`."""
        url = server.url.replace("http://", "ws://") + "/ws/chat/"
        with connect(url, origin=Origin(server.url), proxy=None) as ws:
            ws.send(json.dumps({"token": self.token, "after": after}))
            yield Socket(ws)


class Socket:
    """The widget's socket: every frame it received, kept in order."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []

    def until(self, found: Callable[[dict[str, Any]], bool], what: str) -> list[dict[str, Any]]:
        """Read frames until one matches; returns the frames read, that one last."""
        read: list[dict[str, Any]] = []
        while True:
            try:
                frame = json.loads(self.ws.recv(timeout=WAIT))
            except TimeoutError:
                raise AssertionError(f"no {what} within {WAIT}s; frames so far: {self.frames}") from None
            self.frames.append(frame)
            read.append(frame)
            if found(frame):
                return read

    def until_event(self, kind: str, message_id: int | None = None) -> list[dict[str, Any]]:
        def found(frame: dict[str, Any]) -> bool:
            return frame.get("kind") == kind and (message_id is None or frame["payload"]["id"] == message_id)

        return self.until(found, f"{kind} event {message_id or ''}")

    def subscribed(self) -> list[dict[str, Any]]:
        return self.until(lambda frame: frame.get("subscribed") is True, "subscription")


class AgentBrowser:
    """An agent signed in (a real session in the test database) using the pages of one server."""

    def __init__(self, user: Any, server: AsgiServer) -> None:
        client = Client()
        client.force_login(user)
        self.server = server
        self.cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
        self.http = http()

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.server.url + path, cookies=self.cookies, allow_redirects=False, timeout=WAIT)
        if settings.CSRF_COOKIE_NAME in response.cookies:
            self.cookies[settings.CSRF_COOKIE_NAME] = response.cookies[settings.CSRF_COOKIE_NAME]
        return response

    def post(self, path: str, data: dict[str, str] | None = None) -> requests.Response:
        csrf = self.cookies[settings.CSRF_COOKIE_NAME]
        return self.http.post(
            self.server.url + path,
            data={**(data or {}), "csrfmiddlewaretoken": csrf},
            cookies=self.cookies,
            headers={"X-CSRFToken": csrf, "Referer": self.server.url + "/"},
            allow_redirects=False,
            timeout=WAIT,
        )


def message_ids(frames: list[dict[str, Any]]) -> list[int]:
    return [frame["payload"]["id"] for frame in frames if frame.get("kind") == "message"]


def test_a_conversation_served_by_two_processes_reaches_the_visitor_and_the_agent(start_servers, site, agent):
    a, b = start_servers(2)
    visitor = Visitor(site)
    started = visitor.start(a, "Where is my parcel?")
    assert started["state"] == "queued"
    conversation = ChatConversation.objects.get(pk=started["id"])
    with visitor.socket(a, after=started["seq"]) as socket:
        socket.subscribed()
        heard_on_a(socket, visitor, conversation, agent, b)


def heard_on_a(socket: Socket, visitor: Visitor, conversation: ChatConversation, agent: Any, b: AsgiServer) -> None:
    """The agent works on server B; the visitor, whose socket is on server A, hears every step once."""
    ticket = conversation.ticket
    anna = AgentBrowser(agent, b)
    assert anna.get("/chat/console/").status_code == 200
    accepted = anna.post(f"/chat/console/{conversation.pk}/accept/")
    assert accepted.status_code == 302, accepted.text[:500]
    assert accepted.headers["Location"].endswith(f"/tickets/{ticket.pk}/")
    joined = socket.until_event("joined")[-1]
    assert joined["payload"]["name"] == "Anna"
    conversation.refresh_from_db()
    assert (conversation.state, conversation.agent_id) == (ChatState.ACTIVE, agent.pk)

    assert anna.get(f"/tickets/{ticket.pk}/").status_code == 200
    posted = anna.post(f"/tickets/{ticket.pk}/reply/", {"reply-body": "Hello Mei, let me look it up."})
    assert posted.status_code == 302, posted.text[:500]
    reply = ticket.messages.get(kind=MessageKind.REPLY, is_automatic=False)
    heard = socket.until_event("message", reply.pk)[-1]
    assert heard["payload"]["author"] == "agent"
    assert heard["payload"]["body"] == "Hello Mei, let me look it up."
    assert heard["seq"] > joined["seq"]

    sent = visitor.say(b, "It is order 1234.", client_id="c-order")
    assert sent.status_code == 201, sent.text
    mine = sent.json()["message"]
    assert ticket.messages.filter(kind=MessageKind.CUSTOMER, body="It is order 1234.").count() == 1
    assert ticket.messages.get(kind=MessageKind.CUSTOMER, body="It is order 1234.").pk == mine["id"]
    echoed = socket.until_event("message", mine["id"])[-1]  # sent to B, heard on A
    assert echoed["payload"]["client_id"] == "c-order"
    assert message_ids(socket.frames).count(reply.pk) == 1
    assert message_ids(socket.frames).count(mine["id"]) == 1


def test_a_widget_reconnecting_after_a_restart_and_a_redis_flush_gets_each_missed_message_once(
    start_servers, site, agent
):
    (a,) = start_servers(1)
    visitor = Visitor(site)
    started = visitor.start(a, "My parcel is late.")
    conversation = ChatConversation.objects.get(pk=started["id"])
    ticket = conversation.ticket
    with visitor.socket(a, after=0) as socket:
        socket.subscribed()
        chat_accept(agent=agent, conversation=conversation)
        first = message_add_reply(ticket=ticket, author=agent, body="Let me check.")
        seen = socket.until_event("message", first.pk)[-1]["seq"]
        assert [frame["seq"] for frame in socket.frames if "kind" in frame] == list(range(1, seen + 1))  # each once

    missed = [message_add_reply(ticket=ticket, author=agent, body=f"Update {n}") for n in (1, 2, 3)]
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the channel layer forgets every group and doorbell
    a.stop()
    a.start()

    with visitor.socket(a, after=seen) as again:
        replayed = again.subscribed()
        assert [(frame["seq"], frame["kind"], frame["payload"]["id"]) for frame in replayed[:-1]] == [
            (seen + n, "message", message.pk) for n, message in enumerate(missed, start=1)
        ]
        assert replayed[-1] == {"subscribed": True, "seq": seen + 3}

        over_http = visitor.get(a, "events", after=seen)
        assert over_http.status_code == 200
        assert [(e["seq"], e["kind"], e["payload"]["id"]) for e in over_http.json()["events"]] == [
            (f["seq"], f["kind"], f["payload"]["id"]) for f in replayed[:-1]
        ]

        fourth = message_add_reply(ticket=ticket, author=agent, body="It left the depot.")
        sent = visitor.say(a, "Thank you!", client_id="c-thanks")  # a later event: anything doubled comes before it
        assert sent.status_code == 201, sent.text
        thanks = sent.json()["message"]["id"]
        live = again.until_event("message", thanks)
        assert [(f["seq"], f["payload"]["id"]) for f in live] == [(seen + 4, fourth.pk), (seen + 5, thanks)]


def test_a_retried_send_makes_one_message_also_when_the_tries_race_on_two_processes(start_servers, site, agent):
    a, b = start_servers(2)
    visitor = Visitor(site)
    started = visitor.start(a, "Can I change my address?")
    ticket = ChatConversation.objects.get(pk=started["id"]).ticket

    first = visitor.say(a, "It is 5 Rue de la Paix.", client_id="c-address")
    second = visitor.say(a, "It is 5 Rue de la Paix.", client_id="c-address")  # the answer was lost: sent again
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["message"]["id"] == second.json()["message"]["id"]
    assert ticket.messages.filter(body="It is 5 Rue de la Paix.").count() == 1

    for server in (a, b):  # both processes warm: the two tries of each round overlap
        assert visitor.get(server, "conversation").status_code == 200
    for round_ in range(1, ROUNDS + 1):
        body = f"Paris, 7500{round_}."
        answers = race(site, visitor.token, (a, b), body, client_id=str(uuid.uuid4()))
        assert sorted(answer.status_code for answer in answers.values()) == [200, 201], [
            answer.text for answer in answers.values()
        ]
        message_id = answers[a.url].json()["message"]["id"]
        assert answers[b.url].json()["message"]["id"] == message_id
        assert [m.pk for m in ticket.messages.filter(body=body)] == [message_id]
    assert (
        ticket.messages.filter(kind=MessageKind.CUSTOMER).count() == 2 + ROUNDS
    )  # the first, the address, a city a round


ROUNDS = 5


def race(site: Any, token: str, servers: tuple[AsgiServer, ...], body: str, client_id: str) -> dict[str, Any]:
    """The same message sent to each server at the same moment, each from its own connection."""
    answers: dict[str, requests.Response] = {}
    barrier = threading.Barrier(len(servers))

    def send(server: AsgiServer) -> None:
        widget = Visitor(site)
        widget.token = token
        barrier.wait(timeout=WAIT)
        answers[server.url] = widget.say(server, body, client_id=client_id)

    threads = [threading.Thread(target=send, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * WAIT)
    assert len(answers) == len(servers), "a try got no answer"
    return answers
