"""A tiny SMTP server on loopback that keeps what it receives: real delivery for worker tests."""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpSink:
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    _server: socketserver.ThreadingTCPServer | None = None

    def __enter__(self) -> SmtpSink:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def say(self, text: str) -> None:
                self.wfile.write(f"{text}\r\n".encode())

            def handle(self) -> None:
                self.say("220 sink ESMTP")
                recipients: list[str]
                sender, recipients = "", []
                while line := self.rfile.readline():
                    command = line.decode("utf-8", "replace").strip()
                    verb = command[:4].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                    elif verb == "HELO":
                        self.say("250 sink")
                    elif verb == "MAIL":
                        sender, recipients = command.partition(":")[2].strip(" <>").split(">")[0], []
                        self.say("250 OK")
                    elif verb == "RCPT":
                        recipients.append(command.partition(":")[2].strip(" <>"))
                        self.say("250 OK")
                    elif verb == "DATA":
                        self.say("354 End data with <CR><LF>.<CR><LF>")
                        lines = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            lines.append(data[1:] if data.startswith(b"..") else data)
                        with sink.lock:
                            sink.messages.append(Received(sender, recipients, b"".join(lines)))
                        self.say("250 OK queued")
                    elif verb in ("RSET", "NOOP"):
                        self.say("250 OK")
                    elif verb == "QUIT":
                        self.say("221 Bye")
                        return
                    else:
                        self.say("502 Not implemented")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def recipients(self) -> list[str]:
        with self.lock:
            return [r for message in self.messages for r in message.recipients]
