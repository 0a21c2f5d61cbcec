"""A fake of the three providers' APIs on loopback: a small threaded HTTP server that checks each
request's authentication and shape as the providers document them, answers as they do, and keeps
what it received. `fail_next(path_part, times)` answers 500 to the next matching requests."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% a test document\n%%EOF\n"

WA_TOKEN = "wa-access-token"
WA_PHONE_ID = "106540352242922"
LINE_TOKEN = "line-channel-access-token"
TG_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeProviders:
    requests: list[Received] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    media: dict[str, bytes] = field(default_factory=dict)
    uploads: dict[str, Any] = field(default_factory=dict)
    counter: int = 0

    def fail_next(self, path_part: str, times: int = 1) -> None:
        self.failures[path_part] = times

    def sent(self, path_part: str) -> list[Received]:
        return [r for r in self.requests if path_part in r.path and r.method == "POST"]


def form_data(content_type: str, raw: bytes) -> dict[str, Any]:
    """A multipart/form-data body as {field: text, or (file name, content type, bytes)}."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        filename = part.get_filename()
        fields[name] = (filename, part.get_content_type(), content) if filename else content.decode()
    return fields


def _problem(condition: bool, message: str) -> str | None:
    return None if condition else message


class Handler(BaseHTTPRequestHandler):
    state: FakeProviders
    base: str

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: Any, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type") or ""
        if content_type.startswith("multipart/form-data"):
            body: Any = form_data(content_type, raw)
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw
        self.state.requests.append(Received(method, self.path, dict(self.headers), body))
        for part, times in list(self.state.failures.items()):
            if part in self.path and times > 0:
                self.state.failures[part] = times - 1
                self._answer(500, {"error": "temporarily unavailable"})
                return
        for route in (self._whatsapp, self._line, self._telegram):
            if route(method, body):
                return
        self._answer(404, {"error": "no such route"})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    # --- WhatsApp Cloud API ------------------------------------------------------------
    def _whatsapp(self, method: str, body: Any) -> bool:
        if not self.path.startswith("/v21.0/") and not self.path.startswith("/wa-media/"):
            return False
        if self.headers.get("Authorization") != f"Bearer {WA_TOKEN}":
            self._answer(401, {"error": {"message": "Invalid OAuth access token", "code": 190}})
            return True
        if method == "POST" and self.path == f"/v21.0/{WA_PHONE_ID}/media":
            file = (body or {}).get("file") if isinstance(body, dict) else None
            if not (
                body.get("messaging_product") == "whatsapp" and isinstance(file, tuple) and body.get("type") == file[1]
            ):
                self._answer(400, {"error": {"message": "messaging_product, type and file are required", "code": 100}})
                return True
            self.state.uploads[f"up{len(self.state.uploads) + 1}"] = file
            self._answer(200, {"id": f"up{len(self.state.uploads)}"})
            return True
        if method == "POST" and self.path == f"/v21.0/{WA_PHONE_ID}/messages":
            problem = _problem(isinstance(body, dict), "not JSON") or _problem(
                body.get("messaging_product") == "whatsapp" and bool(body.get("to")), "messaging_product and to"
            )
            kind = body.get("type") if isinstance(body, dict) else None
            if problem is None and kind == "text":
                problem = _problem(bool((body.get("text") or {}).get("body")), "text.body")
            elif problem is None and kind == "template":
                template = body.get("template") or {}
                problem = _problem(
                    bool(template.get("name")) and bool((template.get("language") or {}).get("code")),
                    "template name and language.code",
                )
            elif problem is None and kind in ("image", "document"):
                problem = _problem((body.get(kind) or {}).get("id") in self.state.uploads, f"{kind}.id of an upload")
            elif problem is None:
                problem = f"unexpected type {kind}"
            if problem:
                self._answer(400, {"error": {"message": problem, "code": 100}})
                return True
            self.state.counter += 1
            self._answer(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                    "messages": [{"id": f"wamid.out{self.state.counter}"}],
                },
            )
            return True
        if method == "GET" and self.path.startswith("/v21.0/"):
            media_id = self.path.rsplit("/", 1)[1]
            if media_id not in self.state.media:
                self._answer(404, {"error": {"message": "unknown media"}})
                return True
            self._answer(
                200,
                {
                    "messaging_product": "whatsapp",
                    "url": f"{self.base}/wa-media/{media_id}",
                    "mime_type": "image/jpeg",
                    "id": media_id,
                },
            )
            return True
        if method == "GET" and self.path.startswith("/wa-media/"):
            self._answer(200, self.state.media[self.path.rsplit("/", 1)[1]], "application/octet-stream")
            return True
        return False

    # --- LINE Messaging API -------------------------------------------------------------
    def _line(self, method: str, body: Any) -> bool:
        if not self.path.startswith("/v2/bot/"):
            return False
        if self.headers.get("Authorization") != f"Bearer {LINE_TOKEN}":
            self._answer(
                401,
                {"message": "Authentication failed: check the access token in the Authorization header."},
            )
            return True
        if method == "POST" and self.path == "/v2/bot/message/push":
            messages = body.get("messages") if isinstance(body, dict) else None
            problem = (
                _problem(bool(body and body.get("to")), "to")
                or _problem(
                    isinstance(messages, list)
                    and 1 <= len(messages) <= 5
                    and all(m.get("type") == "text" and m.get("text") for m in messages),
                    "messages: 1 to 5 text messages",
                )
                or _problem(bool(self.headers.get("X-Line-Retry-Key")), "X-Line-Retry-Key")
            )
            if problem:
                self._answer(400, {"message": "The request body has 1 error(s)", "details": [{"message": problem}]})
                return True
            self.state.counter += 1
            self._answer(
                200,
                {"sentMessages": [{"id": str(461230966842064000 + self.state.counter), "quoteToken": "IStG5h1Tz7b"}]},
            )
            return True
        if method == "GET" and self.path.endswith("/content"):
            message_id = self.path.split("/")[-2]
            if message_id not in self.state.media:
                self._answer(404, {"message": "Not found"})
                return True
            self._answer(200, self.state.media[message_id], "image/jpeg")
            return True
        return False

    # --- Telegram Bot API ---------------------------------------------------------------
    def _telegram(self, method: str, body: Any) -> bool:
        if not (self.path.startswith("/bot") or self.path.startswith("/file/bot")):
            return False
        prefix = f"/file/bot{TG_TOKEN}/" if self.path.startswith("/file/") else f"/bot{TG_TOKEN}/"
        if not self.path.startswith(prefix):
            self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return True
        call = self.path[len(prefix) :]
        if prefix.startswith("/file/"):
            file_id = call.rsplit("/", 1)[1].split(".")[0]
            self._answer(200, self.state.media.get(file_id, b""), "application/octet-stream")
            return True
        if method == "POST" and call == "sendMessage":
            if not (isinstance(body, dict) and body.get("chat_id") and body.get("text")):
                self._answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"})
                return True
            self.state.counter += 1
            self._answer(
                200,
                {
                    "ok": True,
                    "result": {
                        "message_id": self.state.counter,
                        "chat": {"id": body["chat_id"], "type": "private"},
                        "date": 1700000000,
                        "text": body["text"],
                    },
                },
            )
            return True
        if method == "POST" and call in ("sendPhoto", "sendDocument"):
            field_name = "photo" if call == "sendPhoto" else "document"
            if not (isinstance(body, dict) and body.get("chat_id") and isinstance(body.get(field_name), tuple)):
                self._answer(
                    400,
                    {
                        "ok": False,
                        "error_code": 400,
                        "description": f"Bad Request: there is no {field_name} in the request",
                    },
                )
                return True
            self.state.uploads[f"tg{len(self.state.uploads) + 1}"] = body[field_name]
            self.state.counter += 1
            self._answer(
                200,
                {
                    "ok": True,
                    "result": {
                        "message_id": self.state.counter,
                        "chat": {"id": int(body["chat_id"])},
                        "date": 1700000000,
                    },
                },
            )
            return True
        if method == "POST" and call == "getFile":
            file_id = (body or {}).get("file_id", "")
            if file_id not in self.state.media:
                self._answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"})
                return True
            self._answer(
                200,
                {
                    "ok": True,
                    "result": {
                        "file_id": file_id,
                        "file_unique_id": "u" + file_id,
                        "file_size": len(self.state.media[file_id]),
                        "file_path": f"photos/{file_id}.jpg",
                    },
                },
            )
            return True
        return False


class FakeServer:
    def __init__(self) -> None:
        self.state = FakeProviders()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        handler.base = self.base
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
