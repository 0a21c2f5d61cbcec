"""Reading a message's parts and headers with the charset rules of .charsets, telling a message
whose MIME structure is broken from one that can be trusted, and telling the inline images that
are decoration from the files a customer sent.

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

import re
from email import errors
from email.message import Message, MIMEPart
from email.utils import parseaddr
from urllib.parse import unquote

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
