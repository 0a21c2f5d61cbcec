"""The request size cap under ASGI. Django's ASGI handler spools the whole body before any
middleware runs, so `RequestSizeLimitMiddleware` alone would refuse a huge upload only after it
filled the disk: this wrapper refuses it first, by its Content-Length (413 at once), or, for a
chunked body with no length, by closing the request as soon as more than the cap has arrived."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

TOO_LARGE = 413


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodySizeLimit:
    def __init__(self, app: Any) -> None:  # Django's handler types its messages more narrowly
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = settings.MAX_REQUEST_BYTES
        length = _content_length(scope)
        if length is not None and length > limit:
            text = b"The request is too large."
            headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(text)).encode())]
            await send({"type": "http.response.start", "status": TOO_LARGE, "headers": headers})
            await send({"type": "http.response.body", "body": text})
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a body longer than it said, or chunked past the cap
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, limited_receive, send)
