"""A small SMTP server on loopback for tests that send real email. It stores a message on the final "."
(as a real MTA queues it) and can wait before answering: the window in which a sender may die not
knowing the message went out."""

from __future__ import annotations

import socketserver
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType


@dataclass
class Delivered:
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"] or "")

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")


@dataclass
class SmtpServer:
    data_delay: float = 0.0  # seconds between storing a message and answering 250
    messages: list[Delivered] = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)  # set at each stored message
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    _server: socketserver.ThreadingTCPServer | None = None

    def __enter__(self) -> SmtpServer:
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def say(self, text: str) -> None:
                self.wfile.write(f"{text}\r\n".encode())

            def handle(self) -> None:
                self.say("220 faults ESMTP")
                recipients: list[str] = []
                while line := self.rfile.readline():
                    verb = line.decode("utf-8", "replace").strip()[:4].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-faults\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                    elif verb == "MAIL":
                        recipients = []
                        self.say("250 OK")
                    elif verb == "RCPT":
                        recipients.append(line.decode().partition(":")[2].strip(" <>\r\n"))
                        self.say("250 OK")
                    elif verb == "DATA":
                        self.say("354 End data with <CR><LF>.<CR><LF>")
                        lines = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            lines.append(data[1:] if data.startswith(b"..") else data)
                        if not data:
                            return  # the sender vanished before the end of the message: nothing queued
                        with server.lock:
                            server.messages.append(Delivered(recipients, b"".join(lines)))
                        server.received.set()
                        threading.Event().wait(server.data_delay)
                        try:
                            self.say("250 OK queued")
                        except OSError:
                            return
                    elif verb in ("RSET", "NOOP", "HELO"):
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

    def by_message_id(self) -> Counter[str]:
        with self.lock:
            return Counter(m.message_id for m in self.messages)

    def recipients(self) -> list[str]:
        with self.lock:
            return [address for m in self.messages for address in m.recipients]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)
