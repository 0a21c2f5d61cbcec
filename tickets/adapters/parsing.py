"""Raw RFC 822 bytes to what the helpdesk needs: sender, ids, subject, plain text, files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from typing import Any

from helpdesk.uploads import EXTENSIONS

from ..services import AttachmentInput
from ..services.email import one_line
from . import mime
from .text import html_to_text

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
_PRECEDENCE_AUTO = {"bulk", "junk", "list", "auto_reply"}
_BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
RAW_MIME = "raw-mime"  # ParsedEmail.defect of a body that shows undecoded MIME
# C0 controls other than tab and newline cannot be stored (NUL) or shown sensibly.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class ParsedEmail:
    message_id: str
    sender: str  # the From address, "" when missing or unusable
    sender_name: str
    subject: str
    in_reply_to: list[str]
    references: list[str]
    language: str  # first tag of Content-Language, "" when absent
    text: str  # the body as plain text, quoted history still in
    attachments: list[AttachmentInput] = field(default_factory=list)
    auto_reason: str = ""  # why this is an auto-reply or a bounce, "" for a person's message
    defect: str = ""  # why the MIME structure cannot be trusted, "" when it can


def header_text(value: Any) -> str:
    """A header value safe to use anywhere: decoded, one line, no control characters."""
    return one_line(str(value or ""))


def message_ids(value: Any) -> list[str]:
    return _MESSAGE_ID.findall(header_text(value))


def synthetic_message_id(raw: bytes) -> str:
    """An id for a message that has none, stable across deliveries, so duplicates still match."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"


def peek_message_id(raw: bytes) -> str:
    """The Message-ID read from the headers alone, "" when there is none or they are broken."""
    try:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        found = message_ids(headers.get("Message-ID", ""))
    except Exception:
        return ""
    return found[0] if found else ""


def clean_text(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def auto_reply_reason(msg: Message, sender: str) -> str:
    """Why a message was sent by a machine (RFC 3834 auto-replies, bounces, lists), or ""."""
    auto_submitted = header_text(msg.get("Auto-Submitted", "")).lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if msg.get(name) is not None:
            return f"{name} header"
    precedence = header_text(msg.get("Precedence", "")).lower()
    if precedence in _PRECEDENCE_AUTO:
        return f"Precedence: {precedence}"
    if msg.get_content_type() == "multipart/report":
        report_type = header_text(msg.get_param("report-type", "", header="content-type")).lower()
        return f"delivery report ({report_type or 'unknown'})"
    if sender.split("@")[0].lower() in _BOUNCE_SENDERS:
        return f"bounce from {sender}"
    if msg.get("Return-Path") is not None and header_text(msg.get("Return-Path")).strip() == "<>":
        return "null sender (Return-Path: <>), a bounce"
    return ""


def _sender(msg: Message, charset: str | None) -> tuple[str, str]:
    header = msg.get("From")
    if header is None:
        return "", ""
    addresses = getattr(header, "addresses", ())
    if addresses:
        name, address = addresses[0].display_name, addresses[0].addr_spec
    else:  # a header the modern parser could not structure
        name, address = parseaddr(header_text(header))
    # The name as written, read with the charset rules (the email package reads GB2312 strictly).
    name = mime.display_name(msg, charset) or name
    address = header_text(address)
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        return "", header_text(name)
    return address, header_text(name)


def _part_text(part: MIMEPart) -> str:
    return clean_text(mime.part_text(part))


def _body(msg: EmailMessage) -> tuple[str, list[MIMEPart]]:
    """The body as text, preferring text/plain over HTML, and the parts it came from."""
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    used = [p for p in (plain, html) if p is not None]
    if plain is not None:
        text = _part_text(plain).strip()
        if text:
            return text, used
    if html is not None:
        return html_to_text(_part_text(html)), used
    return "", used


def _leaf_parts(part: MIMEPart, skip: list[MIMEPart]) -> list[MIMEPart]:
    if any(part is s for s in skip):
        return []
    if part.get_content_type() == "message/rfc822":
        return [part]
    if part.is_multipart():
        return [leaf for sub in part.iter_parts() for leaf in _leaf_parts(sub, skip)]
    return [part]


def _html_parts(msg: EmailMessage) -> list[str]:
    return [
        mime.part_text(part)
        for part in msg.walk()
        if part.get_content_type() == "text/html" and part.get_content_disposition() != "attachment"
    ]


def _attachments(
    msg: EmailMessage, body_parts: list[MIMEPart], charset: str | None
) -> tuple[list[AttachmentInput], list[str]]:
    """Files, and further inline text parts (Apple Mail splits a body around inline images).
    Signature logos and images of the quoted history are left out (see mime)."""
    found, texts = [], []
    leaves = _leaf_parts(msg, body_parts)
    decoration = mime.decorative_images(leaves, _html_parts(msg))
    for number, part in enumerate(leaves, start=1):
        if any(part is d for d in decoration):
            continue
        content_type = part.get_content_type()
        filename = header_text(mime.filename(part, charset))
        if part.get_content_maintype() == "text" and not filename and part.get_content_disposition() != "attachment":
            if content_type == "text/plain":
                texts.append(_part_text(part).strip())
            continue  # otherwise another rendering of the body, e.g. the HTML of a plain-text message
        if content_type == "message/rfc822":
            inner = part.get_payload(0)
            content = inner.as_bytes(policy=policy.default) if isinstance(inner, Message) else b""
            filename = filename or "forwarded-message.eml"
        else:
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
        if not filename:
            filename = f"attachment-{number}{EXTENSIONS.get(content_type, '')}"
        found.append(AttachmentInput(name=filename, content=content))
    return found, [t for t in texts if t]


def parse(raw: bytes) -> ParsedEmail:
    """Parse a message; raises on input the email package cannot make sense of."""
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    charset = mime.text_charset(msg)
    sender, sender_name = _sender(msg, charset)
    text, body_parts = _body(msg)
    languages = header_text(msg.get("Content-Language", "")) or next(
        (header_text(p.get("Content-Language", "")) for p in body_parts if p.get("Content-Language")), ""
    )
    ids = message_ids(msg.get("Message-ID", ""))
    attachments, more_text = _attachments(msg, body_parts, charset)
    text = mime.CID_PLACEHOLDER.sub("", "\n\n".join(t for t in (text, *more_text) if t))
    defect = mime.structure_defect(msg)
    if not defect and mime.looks_like_raw_mime(text):
        defect = RAW_MIME
    return ParsedEmail(
        message_id=ids[0] if ids else synthetic_message_id(raw),
        sender=sender,
        sender_name=sender_name,
        subject=clean_text(header_text(mime.header_value(msg, "Subject", charset))),
        in_reply_to=message_ids(msg.get("In-Reply-To", "")),
        references=message_ids(msg.get("References", "")),
        language=languages.split(",")[0].strip(),
        text=text,
        attachments=attachments,
        auto_reason=auto_reply_reason(msg, sender),
        defect=defect,
    )
