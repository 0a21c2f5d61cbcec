"""Survey link tokens: 256 random bits from `secrets`, signed for the link, stored only as SHA-256.

The link carries `<raw>.<signature>`; neither the ticket nor the email address appears in it.
The signature rejects a tampered token before any lookup; the hash finds the invitation.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.core import signing

TOKEN_BYTES = 32  # 256 bits
_SALT = "feedback.survey-link"
_MAX_LENGTH = 200


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=".")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh (link token, hash to store)."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return _signer().sign(raw), token_hash(raw)


def hash_from_link(token: str) -> str | None:
    """The stored hash a link token stands for, or None when it is malformed or tampered with."""
    if not token or len(token) > _MAX_LENGTH:
        return None
    try:
        raw = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return token_hash(raw) if raw else None


_SURVEY_LINK = re.compile(r"(/survey/)[^/\s\"'<>?]+(/)")


def redact_survey_links(text: str) -> str:
    """The stored copy of a sent invitation keeps its links' shape but not their secrets."""
    return _SURVEY_LINK.sub(r"\1sent\2", text)
