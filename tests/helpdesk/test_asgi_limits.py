"""Under ASGI the request size cap acts before Django spools the body."""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import async_to_sync

from helpdesk.asgi_limits import BodySizeLimit, RequestGate


def call(app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[list[dict], list[dict]]:
    """Run one HTTP request through the app; what it sent back, and what the inner app received."""
    incoming = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    async def run() -> None:
        await app({"type": "http", "headers": headers, "path": "/"}, receive, send)

    async_to_sync(run)()
    return sent, app.app.seen


class Inner:
    def __init__(self) -> None:
        self.seen: list[dict] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            self.seen.append(message)
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def test_a_body_announced_over_the_cap_is_refused_unread(settings):
    settings.MAX_REQUEST_BYTES = 1000

    sent, seen = call(BodySizeLimit(Inner()), [(b"content-length", b"5000")], [b"x" * 5000])

    assert sent[0]["status"] == 413
    assert seen == []  # Django never started reading it


def test_a_chunked_body_past_the_cap_reaches_the_app_as_a_closed_request(settings):
    settings.MAX_REQUEST_BYTES = 1000

    _sent, seen = call(BodySizeLimit(Inner()), [(b"transfer-encoding", b"chunked")], [b"x" * 600, b"x" * 600])

    assert [m["type"] for m in seen] == ["http.request", "http.disconnect"]


def test_a_body_within_the_cap_passes(settings):
    settings.MAX_REQUEST_BYTES = 1000

    sent, seen = call(BodySizeLimit(Inner()), [(b"content-length", b"900")], [b"x" * 500, b"x" * 400])

    assert sent[0]["status"] == 200
    assert sum(len(m["body"]) for m in seen) == 900


class View:
    """An app that reads the whole body, then works for a moment as a view would, counting how many
    requests are at work together. A path in `streams` sends its start, then its body after a pause;
    a path in `fails` raises instead of answering."""

    def __init__(self, *, streams: tuple[str, ...] = (), fails: tuple[str, ...] = ()) -> None:
        self.streams, self.fails = streams, fails
        self.at_work = self.most_at_work = 0
        self.done: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        self.at_work += 1
        self.most_at_work = max(self.most_at_work, self.at_work)
        await asyncio.sleep(0.02)
        self.at_work -= 1
        if scope["path"] in self.fails:
            raise RuntimeError("the view failed")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if scope["path"] in self.streams:
            await asyncio.sleep(0.2)
        await send({"type": "http.response.body", "body": b"ok"})
        self.done.append(scope["path"])


async def request(app: Any, path: str, chunks: list[bytes], pause: float = 0.0) -> list[dict]:
    incoming = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict] = []

    async def receive() -> dict:
        if len(incoming) == 1 and pause:
            await asyncio.sleep(pause)  # the last part of a slow upload
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app({"type": "http", "headers": [], "path": path}, receive, send)
    return sent


def run_together(app: Any, *requests: tuple[str, list[bytes], float]) -> list[Any]:
    async def together() -> list[Any]:
        calls = [request(app, path, chunks, pause) for path, chunks, pause in requests]
        # a turn never given back would leave the others waiting: fail instead of hanging
        return await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), timeout=5)

    return async_to_sync(together)()


def test_one_request_at_a_time_is_at_work_and_every_one_is_answered():
    view = View()

    answers = run_together(RequestGate(view, limit=1), *[(f"/{n}", [b""], 0.0) for n in range(5)])

    assert view.most_at_work == 1
    assert sorted(view.done) == [f"/{n}" for n in range(5)]
    assert all(sent[0]["status"] == 200 for sent in answers)


def test_without_a_limit_requests_are_at_work_together():
    view = View()

    run_together(RequestGate(view, limit=0), *[(f"/{n}", [b""], 0.0) for n in range(3)])

    assert view.most_at_work == 3


def test_a_slow_upload_holds_no_turn():
    view = View()

    run_together(RequestGate(view, limit=1), ("/upload", [b"x" * 10, b"x" * 10], 0.3), ("/page", [b""], 0.0))

    assert view.done == ["/page", "/upload"]  # the page was answered while the upload still came in


def test_a_streamed_response_gives_its_turn_back_when_it_starts():
    view = View(streams=("/export",))

    run_together(RequestGate(view, limit=1), ("/export", [b""], 0.0), ("/page", [b""], 0.0))

    assert view.done == ["/page", "/export"]  # the page ran while the export's body was still on its way


def test_a_failing_request_gives_its_turn_back():
    view = View(fails=("/broken",))

    failed, answered = run_together(RequestGate(view, limit=1), ("/broken", [b""], 0.0), ("/page", [b""], 0.0))

    assert isinstance(failed, RuntimeError)
    assert answered[0]["status"] == 200
    assert view.done == ["/page"]
