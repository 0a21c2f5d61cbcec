"""Which inline images are decoration (signature logos, images of the quoted history) rather
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
from email.message import Message, MIMEPart
from urllib.parse import unquote

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
