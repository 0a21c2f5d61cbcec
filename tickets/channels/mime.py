"""Reading a message's parts and headers with the charset rules of .charsets, and telling a
message whose MIME structure is broken from one that can be trusted."""

from __future__ import annotations

import re
from email import errors
from email.message import Message, MIMEPart
from email.utils import parseaddr

from .charsets import decode_bytes, decode_header_value, unfold, usable_label

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


def raw_header(part: Message, name: str) -> str | None:
    """A header's value as written (unfolded, encoded words still in), or None."""
    for key, value in part.raw_items():
        if key.lower() == name.lower():
            return unfold(str(value)).strip()
    return None


def header_value(part: Message, name: str, fallback: str | None = None) -> str:
    raw = raw_header(part, name)
    return decode_header_value(raw, fallback) if raw is not None else ""


def display_name(part: Message, fallback: str | None = None) -> str:
    """The From header's display name, decoded: parsed from the header as written, so a name in
    encoded words (quoted or not, as Foxmail writes it) is read with the charset rules."""
    raw = raw_header(part, "From")
    if raw is None:
        return ""
    name, _address = parseaddr(raw)
    return decode_header_value(name, fallback) if name else ""


def text_charset(msg: Message) -> str | None:
    """The codec that reads the first text part: the best guess for raw 8-bit bytes and
    unknown labels in headers, too short to detect on their own."""
    for part in msg.walk():
        if part.get_content_maintype() == "text" and not part.is_multipart():
            try:
                payload = part.get_payload(decode=True)
            except (ValueError, AssertionError, LookupError):
                continue
            charset = part.get_param("charset")
            if isinstance(payload, bytes) and payload:
                return usable_label(payload, str(charset) if charset else None)
    return None


def part_text(part: MIMEPart) -> str:
    """A text part's content read with its charset as clients really use it."""
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, AssertionError, LookupError):
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_param("charset")
    return decode_bytes(payload, str(charset) if charset else None)


def filename(part: Message, fallback: str | None = None) -> str:
    """The file name of a part: RFC 2231 (filename*=charset''...) or RFC 2047 in quotes (as
    Outlook and Foxmail write it), from Content-Disposition, else Content-Type's name."""
    for header, param in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        raw = raw_header(part, header)
        if raw is None:
            continue
        holder = Message()
        holder[header] = raw
        value = holder.get_param(param, header=header)
        if isinstance(value, tuple):  # RFC 2231: (charset, language, text as latin-1 octets)
            charset, _language, text = value
            data = text.encode("latin-1", "replace")
            return decode_bytes(data, charset or fallback)
        if value:
            return decode_header_value(str(value), fallback)
    return ""


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
