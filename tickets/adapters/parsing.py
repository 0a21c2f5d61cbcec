"""Raw RFC 822 bytes to what the helpdesk needs: sender, ids, subject, plain text (HTML converted
without keeping any markup), files; and whether the MIME structure can be trusted.

Which inline images are decoration (signature logos, images of the quoted history) rather
than files the customer sent.

The rule: an image is left out only when it is inline (Content-Disposition inline, or none)
AND an HTML part of the message shows it through its Content-ID (src="cid:...") AND either
  - it is small (SIGNATURE_IMAGE_MAX_BYTES: logos and icons are a few KB), or
  - it is shown after a signature or quoted-history marker of a mail client (Gmail's
    gmail_signature and gmail_quote, Outlook's Signature, _MailAutoSig and divRplyFwdMsg,
    Thunderbird's moz-signature, a blockquote) and is at most QUOTED_IMAGE_MAX_BYTES.
Anything else is kept: a photo pasted or attached inline (Apple Mail shows attached photos
inline, with a Content-ID referenced from its HTML) is hundreds of KB and sits in the text
the customer wrote, so it stays an attachment. The name (Outlook's image001.png) is not a
criterion: Outlook gives pasted screenshots the same names as logos.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import errors, message_from_bytes, policy
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

from helpdesk.uploads import EXTENSIONS

from .. import mailtext
from ..services import AttachmentInput

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
_PRECEDENCE_AUTO = {"bulk", "junk", "list", "auto_reply"}
_BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
RAW_MIME = "raw-mime"  # ParsedEmail.defect of a body that shows undecoded MIME
# C0 controls other than tab and newline cannot be stored (NUL) or shown sensibly.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Defects after which the parts of a message are not what its sender sent: the text would show
# raw MIME and base64, and files would be missing or cut off.
_STRUCTURAL_DEFECTS = (
    errors.StartBoundaryNotFoundDefect,
    errors.CloseBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
    errors.NoBoundaryInMultipartDefect,
)
_MIME_HEADER_LINE = re.compile(r"^Content-Type:\s*[\w.+-]+/[\w.+-]+", re.IGNORECASE | re.MULTILINE)
_MIME_SIGNS = re.compile(r"^(Content-Transfer-Encoding:\s*\S+|--[^\s]{8,}\s*$)", re.IGNORECASE | re.MULTILINE)


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
    return mailtext.one_line(str(value or ""))


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


def structure_defect(msg: Message) -> str:
    """Why the message's MIME structure cannot be trusted, or ""."""
    found = []
    for part in msg.walk():
        for defect in part.defects:
            if isinstance(defect, _STRUCTURAL_DEFECTS):
                found.append(type(defect).__name__)
    return ", ".join(dict.fromkeys(found))


def looks_like_raw_mime(text: str) -> bool:
    """A body that shows MIME headers with a transfer encoding or a boundary: undecoded MIME."""
    return bool(_MIME_HEADER_LINE.search(text)) and bool(_MIME_SIGNS.search(text))


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


# --- HTML bodies as plain text

# Content of these elements is never text a person wrote for us.
_SKIP = {"script", "style", "head", "title", "template", "noscript", "object", "iframe", "svg", "math"}
_BLOCK = {
    "address", "article", "aside", "div", "dl", "dt", "dd", "fieldset", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tr", "ul",
}  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0

    def _break(self) -> None:
        text = "".join(self.current)
        if self.pre_depth == 0:
            text = " ".join(text.split())
        self.lines.append(("> " * self.quote_depth) + text if text else "")
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif self.skip_depth:
            return
        elif tag == "br":
            self._break()
        elif tag == "blockquote":
            self._break()
            self.quote_depth += 1
        elif tag in _BLOCK:
            self._break()
            if tag == "pre":
                self.pre_depth += 1
            if tag == "li":
                self.current.append("- ")
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr") and not self.skip_depth:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif self.skip_depth:
            return
        elif tag == "blockquote":
            self._break()
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in _BLOCK:
            self._break()
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            for i, part in enumerate(data.split("\n")):
                if i:
                    self._break()
                self.current.append(part)
        else:
            self.current.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body. Tags are dropped, script and style content with
    them, so nothing stored can be active; quoted blocks become "> " lines."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # a broken document: fall back to crude tag stripping
        return " ".join(re.sub(r"<[^>]*>", " ", html).split())
    parser._break()
    return squeeze_blank_lines("\n".join(line.rstrip() for line in parser.lines))


def squeeze_blank_lines(text: str) -> str:
    """At most one blank line in a row, none at either end."""
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# Inline images: decoration or the customer's files (the rule is in the module's description).
SIGNATURE_IMAGE_MAX_BYTES = 32 * 1024
QUOTED_IMAGE_MAX_BYTES = 128 * 1024

_CID_SOURCE = re.compile(r"""\bsrc\s*=\s*["']?\s*cid:([^"'\s>]+)""", re.IGNORECASE)
_SIGNATURE_OR_HISTORY = re.compile(
    r"""(class\s*=\s*["']?[^"'>]*\b(gmail_signature|gmail_quote|moz-signature|moz-cite-prefix)\b"""
    r"""|id\s*=\s*["']?(Signature|divRplyFwdMsg|appendonsend|x_Signature)\b"""
    r"""|name\s*=\s*["']?_MailAutoSig\b"""
    r"""|<blockquote\b)""",
    re.IGNORECASE,
)
# Outlook's text part stands for each inline image with "[cid:image001.png@01DA...]".
CID_PLACEHOLDER = re.compile(r"\[cid:[^\]\s]{1,200}\]")


def _content_id(part: Message) -> str:
    value = str(part.get("Content-ID", "") or "").strip()
    return value[1:-1] if value.startswith("<") and value.endswith(">") else value


def _cid_positions(html_parts: list[str]) -> dict[str, bool]:
    """Each Content-ID an HTML part shows, and whether it is shown only after a marker."""
    shown: dict[str, bool] = {}
    for html in html_parts:
        marker = _SIGNATURE_OR_HISTORY.search(html)
        boundary = marker.start() if marker else len(html)
        for match in _CID_SOURCE.finditer(html):
            cid = unquote(match.group(1).strip())
            after_marker = match.start() > boundary
            shown[cid] = shown.get(cid, True) and after_marker
    return shown


def decorative_images(parts: list[MIMEPart], html_parts: list[str]) -> list[MIMEPart]:
    """The parts among `parts` that are decoration by the rule above."""
    shown = _cid_positions(html_parts)
    found = []
    for part in parts:
        if part.get_content_maintype() != "image" or part.get_content_disposition() == "attachment":
            continue
        cid = _content_id(part)
        if not cid or cid not in shown:
            continue
        payload = part.get_payload(decode=True)
        size = len(payload) if isinstance(payload, bytes) else 0
        if size <= SIGNATURE_IMAGE_MAX_BYTES or (shown[cid] and size <= QUOTED_IMAGE_MAX_BYTES):
            found.append(part)
    return found


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
    name = mailtext.display_name(msg, charset) or name
    address = header_text(address)
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        return "", header_text(name)
    return address, header_text(name)


def _part_text(part: MIMEPart) -> str:
    return clean_text(mailtext.part_text(part))


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
        mailtext.part_text(part)
        for part in msg.walk()
        if part.get_content_type() == "text/html" and part.get_content_disposition() != "attachment"
    ]


def _attachments(
    msg: EmailMessage, body_parts: list[MIMEPart], charset: str | None
) -> tuple[list[AttachmentInput], list[str]]:
    """Files, and further inline text parts (Apple Mail splits a body around inline images).
    Signature logos and images of the quoted history are left out (see the module's description)."""
    found, texts = [], []
    leaves = _leaf_parts(msg, body_parts)
    decoration = decorative_images(leaves, _html_parts(msg))
    for number, part in enumerate(leaves, start=1):
        if any(part is d for d in decoration):
            continue
        content_type = part.get_content_type()
        filename = header_text(mailtext.filename(part, charset))
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
    charset = mailtext.text_charset(msg)
    sender, sender_name = _sender(msg, charset)
    text, body_parts = _body(msg)
    languages = header_text(msg.get("Content-Language", "")) or next(
        (header_text(p.get("Content-Language", "")) for p in body_parts if p.get("Content-Language")), ""
    )
    ids = message_ids(msg.get("Message-ID", ""))
    attachments, more_text = _attachments(msg, body_parts, charset)
    text = CID_PLACEHOLDER.sub("", "\n\n".join(t for t in (text, *more_text) if t))
    defect = structure_defect(msg)
    if not defect and looks_like_raw_mime(text):
        defect = RAW_MIME
    return ParsedEmail(
        message_id=ids[0] if ids else synthetic_message_id(raw),
        sender=sender,
        sender_name=sender_name,
        subject=clean_text(header_text(mailtext.header_value(msg, "Subject", charset))),
        in_reply_to=message_ids(msg.get("In-Reply-To", "")),
        references=message_ids(msg.get("References", "")),
        language=languages.split(",")[0].strip(),
        text=text,
        attachments=attachments,
        auto_reason=auto_reply_reason(msg, sender),
        defect=defect,
    )
