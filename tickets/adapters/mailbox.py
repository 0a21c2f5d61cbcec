"""Mailbox readers: a local Maildir or an IMAP folder, chosen by settings.

Each message is stored and processed by inbound_email_receive first and marked done only
afterwards, so a crash in between means the message is read again, and de-duplication by
Message-ID keeps that from creating a second message. If storing fails (database down),
the run stops and the message stays unread for the next run.
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import logging
import mailbox
import os
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .email import inbound_email_receive

logger = logging.getLogger(__name__)

IMAP_TIMEOUT_SECONDS = 30

# A message's raw bytes and the function that marks it done in its mailbox.
Pending = tuple[bytes, Callable[[], None]]


def mail_fetch(*, limit: int | None = None) -> int:
    """Read new mail from MAILDIR_PATH or IMAP_URL; the number of messages taken in."""
    limit = limit or int(settings.INBOUND_FETCH_LIMIT)
    maildir_path = settings.MAILDIR_PATH
    imap_url = settings.IMAP_URL
    if maildir_path:
        return maildir_fetch(path=str(maildir_path), limit=limit)
    if imap_url:
        return imap_fetch(url=imap_url, limit=limit)
    logger.debug("no mailbox configured (MAILDIR_PATH, IMAP_URL): nothing to fetch")
    return 0


def _take_in(pending: Iterator[Pending], source: str, limit: int) -> int:
    """The loop both readers share: store and process, then mark done."""
    count = 0
    for raw, mark_done in pending:
        inbound_email_receive(raw=raw, source=source)
        mark_done()
        count += 1
        if count >= limit:
            break
    return count


# --- Maildir


def maildir_fetch(*, path: str, limit: int | None = None) -> int:
    box = mailbox.Maildir(path, factory=None, create=False)
    return _take_in(_maildir_new(box, Path(path)), "maildir", limit or int(settings.INBOUND_FETCH_LIMIT))


def _maildir_new(box: mailbox.Maildir, root: Path) -> Iterator[Pending]:
    """Messages in new/, oldest first (names start with the delivery time)."""
    try:
        names = sorted(e.name for e in os.scandir(root / "new") if e.is_file() and not e.name.startswith("."))
    except FileNotFoundError:
        raise ImproperlyConfigured(f"MAILDIR_PATH {root} is not a Maildir (no new/ folder)") from None
    for name in names:
        key = name.split(box.colon)[0]
        try:
            raw = box.get_bytes(key)
        except (KeyError, FileNotFoundError):  # taken by another worker meanwhile
            continue
        yield raw, _maildir_marker(root, name, f"{key}{box.colon}2,S")


def _maildir_marker(root: Path, name: str, seen_name: str) -> Callable[[], None]:
    def mark_seen() -> None:
        # What a mail client does on reading: one atomic rename from new/ to cur/ with flag S.
        # (Python 3.13's Maildir.set_flags does the same; 3.11 would rewrite the whole file.)
        with contextlib.suppress(FileNotFoundError):  # moved by another worker: done either way
            os.rename(root / "new" / name, root / "cur" / seen_name)

    return mark_seen


# --- IMAP


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _plaintext(parts: SplitResult) -> bool:
    """imap://...?tls=off: no STARTTLS, for a server on this machine only (a local bridge or a
    test server); anywhere else the password would cross the network in clear."""
    if parse_qs(parts.query).get("tls", [""])[-1].lower() not in ("off", "no", "0", "false"):
        return False
    if parts.scheme != "imap" or not _is_loopback(parts.hostname or ""):
        raise ImproperlyConfigured("IMAP_URL: tls=off is allowed only for imap:// on a loopback address")
    return True


def imap_fetch(*, url: str, limit: int | None = None) -> int:
    """UNSEEN messages of the folder in IMAP_URL (imaps://user:password@host:993/INBOX, or
    imap://... with STARTTLS, or imap://...@127.0.0.1/INBOX?tls=off on loopback); each is
    fetched with PEEK and flagged \\Seen once stored."""
    parts = urlsplit(url)
    if parts.scheme not in ("imaps", "imap") or not parts.hostname:
        raise ImproperlyConfigured("IMAP_URL must look like imaps://user:password@host/INBOX")
    context = ssl.create_default_context()
    if parts.scheme == "imaps":
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            parts.hostname, parts.port or 993, ssl_context=context, timeout=IMAP_TIMEOUT_SECONDS
        )
    else:
        plaintext = _plaintext(parts)
        conn = imaplib.IMAP4(parts.hostname, parts.port or 143, timeout=IMAP_TIMEOUT_SECONDS)
        if not plaintext:
            conn.starttls(ssl_context=context)
    try:
        conn.login(unquote(parts.username or ""), unquote(parts.password or ""))
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        status, _detail = conn.select(f'"{folder}"')
        if status != "OK":
            raise ImproperlyConfigured(f"IMAP folder {folder!r} cannot be opened")
        return _take_in(_imap_unseen(conn), "imap", limit or int(settings.INBOUND_FETCH_LIMIT))
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def _imap_unseen(conn: imaplib.IMAP4) -> Iterator[Pending]:
    status, data = conn.uid("SEARCH", "UNSEEN")
    if status != "OK" or not data or not data[0]:
        return
    for uid in data[0].decode().split():
        status, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")
        raw = next((item[1] for item in fetched or [] if isinstance(item, tuple)), None)
        if status != "OK" or raw is None:
            logger.warning("IMAP message uid %s could not be fetched", uid)
            continue
        yield bytes(raw), _imap_marker(conn, uid)


def _imap_marker(conn: imaplib.IMAP4, uid: str) -> Callable[[], None]:
    def mark_seen() -> None:
        conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")

    return mark_seen
