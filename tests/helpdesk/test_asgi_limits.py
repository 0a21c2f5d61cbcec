"""Under ASGI the request size cap acts before Django spools the body."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync

from helpdesk.asgi_limits import BodySizeLimit


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
