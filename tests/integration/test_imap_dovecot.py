"""Inbound email through a real IMAP server: Debian's Dovecot, started by the test on loopback
with its own configuration, a passwd-file user and a Maildir in a temporary folder. Messages
shaped as Gmail, Outlook, Apple Mail, Foxmail and Japanese Windows clients write them are
put in with IMAP APPEND and read by the product's own fetcher (IMAP_URL)."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.tickets import mail_clients as clients
from tickets.models import InboundEmail, Ticket

from .conftest import free_port, running, wait_for

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(DOVECOT is None, reason="dovecot is not installed (Debian package dovecot-imapd)"),
]

USER, PASSWORD = "support", "imap-test-secret"


@dataclass(frozen=True)
class Server:
    port: int

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, raw: bytes) -> None:
        conn = self.client()
        try:
            status, detail = conn.append("INBOX", None, None, raw)
            assert status == "OK", detail
        finally:
            conn.logout()

    def unseen(self) -> list[str]:
        conn = self.client()
        try:
            conn.select("INBOX")
            _status, data = conn.uid("SEARCH", "UNSEEN")
            return data[0].decode().split() if data and data[0] else []
        finally:
            conn.logout()


def _mail_owner() -> tuple[int, int, dict[str, str]]:
    """Dovecot refuses to deliver as root: as root the mail belongs to the dovecot system user;
    otherwise every Dovecot process runs as the current user."""
    if os.geteuid() == 0:
        entry = pwd.getpwnam("dovecot")
        return entry.pw_uid, entry.pw_gid, {"first_valid_uid": str(entry.pw_uid)}
    me = pwd.getpwuid(os.geteuid()).pw_name
    extra = {"default_login_user": me, "default_internal_user": me, "first_valid_uid": str(os.geteuid())}
    return os.geteuid(), os.getegid(), extra


def _config(root: Path, port: int, extra: dict[str, str]) -> str:
    settings = "\n".join(f"{key} = {value}" for key, value in extra.items())
    return f"""
base_dir = {root}/run
state_dir = {root}/state
instance_name = helpdesk-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {root}/dovecot.log
mail_location = maildir:{root}/mail/%u
{settings}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        try:
            sock.connect(("127.0.0.1", port))
            return sock.recv(64).startswith(b"* OK")
        except OSError:
            return False


@pytest.fixture
def dovecot(settings) -> Iterator[Server]:
    assert DOVECOT is not None
    root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
    try:
        root.chmod(0o755)  # Dovecot's unprivileged processes must reach their folders
        uid, gid, extra = _mail_owner()
        (root / "mail").mkdir()
        os.chown(root / "mail", uid, gid)
        (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/mail/{USER}::\n")
        port = free_port()
        (root / "dovecot.conf").write_text(_config(root, port, extra))
        with running([DOVECOT, "-F", "-c", str(root / "dovecot.conf")], env=dict(os.environ), log=root / "out.log"):
            wait_for(lambda: _answers(port), timeout=30, what=f"Dovecot on 127.0.0.1:{port}")
            settings.MAILDIR_PATH = ""
            settings.IMAP_URL = f"imap://{USER}:{PASSWORD}@127.0.0.1:{port}/INBOX?tls=off"
            yield Server(port)
    finally:
        log = root / "dovecot.log"
        if log.exists():  # shown by pytest when the test fails
            print(log.read_text(errors="replace")[-4000:])
        shutil.rmtree(root, ignore_errors=True)


def test_client_shaped_mail_fetched_from_dovecot_becomes_tickets(dovecot, teams, django_capture_on_commit_callbacks):
    samples = {name: build() for name, build in clients.CLIENTS.items()}
    for sample in samples.values():
        dovecot.append(sample.raw)
    dovecot.append(clients.broken_boundary())
    assert len(dovecot.unseen()) == len(samples) + 1

    with django_capture_on_commit_callbacks(execute=True):
        call_command("fetch_mail")

    assert dovecot.unseen() == []  # each one flagged \Seen once stored
    for name, sample in samples.items():
        ticket = Ticket.objects.get(subject=sample.subject)
        assert ticket.customer.name == sample.name, name
        body = ticket.messages.get().body
        assert sample.text in body, name
        assert "\ufffd" not in body and "=?" not in body and "Content-Type:" not in body, name
        names = sorted(a.original_name for a in ticket.attachments.all())
        assert names == sorted(sample.files), name
    outlook = Ticket.objects.get(subject="RE: Parcel not delivered").messages.get().body
    assert "________" not in outlook and "Sent:" not in outlook and "we have asked the carrier" not in outlook
    assert "[cid:" not in outlook
    broken = InboundEmail.objects.get(message_id="<0102018f-broken-boundary@example.pt>")
    assert broken.state == InboundEmail.State.QUARANTINED
    assert "StartBoundaryNotFoundDefect" in broken.reason
    assert broken.ticket is None
    assert Ticket.objects.count() == len(samples)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("fetch_mail")  # nothing left unread: nothing new
    assert Ticket.objects.count() == len(samples)
    assert InboundEmail.objects.count() == len(samples) + 1


def test_tls_off_is_refused_for_a_server_off_this_machine(settings, db):
    from django.core.exceptions import ImproperlyConfigured

    from tickets.adapters import imap_fetch

    with pytest.raises(ImproperlyConfigured, match="loopback"):
        imap_fetch(url="imap://support:secret@mail.example.com/INBOX?tls=off")
