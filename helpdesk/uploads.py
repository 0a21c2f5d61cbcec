"""Upload checks: the type is read from the content, never trusted from the name or the sender."""

from __future__ import annotations

import re

from django.conf import settings

MAX_ATTACHMENT_BYTES: int = settings.MAX_ATTACHMENT_BYTES

# Leading bytes of the formats we accept, and the type we record for them.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]

# What a saved download may be called, per type: anything else gets the type's own extension
# appended, so a PNG named "invoice.exe" or "page.html" is saved as "invoice.exe.png".
SUFFIXES: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic", ".heif"),
    "application/pdf": (".pdf",),
    "text/plain": (".txt", ".text", ".log"),
}
# The start of markup: a tag, a comment, a doctype or an XML declaration (what browsers sniff as HTML).
_MARKUP = re.compile(r"<[!?/a-z]", re.IGNORECASE)

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file from its first bytes, or None when it is not a type we accept."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    if _is_plain_text(head):
        return "text/plain"
    return None


def _is_plain_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may be cut at the end of the sample.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    # Markup would be rendered by a browser if ever served inline, or opened from the disk: refuse
    # anything that starts like it (after a byte-order mark and white space), whatever the tag.
    return _MARKUP.match(text.lstrip("\ufeff \t\r\n\x0c")) is None


def safe_filename(name: str) -> str:
    """The last path component of a file name, without control characters, at most 200 chars."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    name = name.strip(" .") or "attachment"
    return name[:200]


def stored_name(name: str, content_type: str) -> str:
    """The name a file is kept and downloaded under: safe_filename, ending in an extension of the
    type its content really has, so saving it never gives a program or a page."""
    safe = safe_filename(name)
    if safe.lower().endswith(SUFFIXES.get(content_type, ())):
        return safe
    extension = EXTENSIONS.get(content_type, ".bin")
    return safe[: 200 - len(extension)] + extension
