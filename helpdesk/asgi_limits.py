"""The request size cap under ASGI. Django's ASGI handler spools the whole body before any
middleware runs, so `RequestSizeLimitMiddleware` alone would refuse a huge upload only after it
filled the disk: this wrapper refuses it first, by its Content-Length (413 at once), or, for a
chunked body with no length, by closing the request as soon as more than the cap has arrived."""

from __future__ import annotations

import asyncio
import weakref
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


class RequestGate:
    """At most `limit` HTTP requests of this server process in Django's synchronous code at a time.

    Under ASGI each request's views run in a thread of their own, and requests in flight together
    take turns on the one interpreter lock: every page then costs more CPU than served one at a time,
    as a sync worker does. A request takes its turn once its whole body has arrived (a slow upload
    holds no turn) and gives it back when its response starts (a streamed body or a slow reader holds
    none either). Those waiting wait in the event loop, which goes on serving websockets. A limit of
    0 lets every request in at once."""

    def __init__(self, app: Any, limit: int | None = None) -> None:
        self.app = app
        self.limit = settings.HTTP_REQUESTS_AT_ONCE if limit is None else limit
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._turns = weakref.WeakKeyDictionary()  # one per event loop: a semaphore belongs to one

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit <= 0:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        turns = self._turns.get(loop)
        if turns is None:
            turns = self._turns[loop] = asyncio.Semaphore(self.limit)
        state = {"taken": False, "holding": False}

        async def gated_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body") and not state["taken"]:
                await turns.acquire()
                state["taken"] = state["holding"] = True
            return message

        async def releasing_send(message: Message) -> None:
            if message["type"] == "http.response.start" and state["holding"]:
                state["holding"] = False
                turns.release()
            await send(message)

        try:
            await self.app(scope, gated_receive, releasing_send)
        finally:
            if state["holding"]:
                turns.release()
