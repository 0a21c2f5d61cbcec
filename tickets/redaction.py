"""Card numbers and security codes never reach the database, the search index, the logs or an email.

Every text a customer or an agent writes passes `redact` where it enters the product: the intake
(subject, body, attachment file names, on every channel), the one message writer (`message_store`,
so an agent's reply and note too), the facts captured on a ticket, and the stored copy of an inbound
email (`redact_raw_email`). A card number (13 to 19 digits, spaces or dashes allowed between them,
passing the Luhn check) keeps its first six and last four digits, e.g. ``411111******1111``, as
payment providers show it; a security code named as such (CVV, CVC, CID, "security code" and their
names in the product's languages) followed by three or four digits loses its digits.

Other apps add their own rules with `register_redactor` from their AppConfig.ready().
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

MASK = "*"
CODE_MASK = "***"

# 13 or more digits, one space or dash allowed between any two of them.
# Not glued to a Latin letter either: "YT2627400000000019" is a tracking number, not a card.
_DIGIT_RUN = re.compile(r"(?<![\dA-Za-z*])\d(?:[ \-]?\d){12,}(?![\dA-Za-z*])")

_CODE_NAMES = (
    r"cvv2?|cvc2?|cvn|cid|csc|cav2|"
    r"security\s+code|card\s+verification(?:\s+(?:code|value|number))?|verification\s+code|"
    r"kartenpr[üu]fnummer|pr[üu]fnummer|sicherheitscode|pr[üu]fziffer|"
    r"cryptogramme(?:\s+visuel)?|code\s+de\s+s[ée]curit[ée]|code\s+de\s+v[ée]rification|"
    r"c[óo]digo\s+de\s+seguridad|c[óo]digo\s+de\s+verificaci[óo]n|"
    r"セキュリティー?コード|カード確認番号|"
    r"安全码|安全碼|卡验证码|卡片验证码|验证码|信用卡验证码"
)
_SECURITY_CODE = re.compile(
    r"(?P<label>(?<![^\W\d_])(?:" + _CODE_NAMES + r"))"
    r"(?P<between>[\s:：#=\-()（）]*(?:(?:is|ist|est|es|era|は|为|為|是)[\s:：]*)?)"
    r"(?P<code>\d{3,4})(?!\d)",
    re.IGNORECASE,
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def masked(digits: str) -> str:
    return digits[:6] + MASK * (len(digits) - 10) + digits[-4:]


def _redact_cards(text: str) -> str:
    """A run of 13-19 digits is a card number when it passes the Luhn check and starts as issuers'
    numbers do (2-6); a longer run (a tracking or order number) is not searched for one inside."""

    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits):
            return masked(digits)
        return match.group(0)

    return _DIGIT_RUN.sub(replace, text)


def _redact_codes(text: str) -> str:
    return _SECURITY_CODE.sub(lambda m: f"{m.group('label')}{m.group('between')}{CODE_MASK}", text)


_EXTRA: list[Callable[[str], str]] = []


def register_redactor(redact_text: Callable[[str], str]) -> None:
    """Another rule applied after the card numbers and security codes, to everything `redact` sees."""
    if redact_text not in _EXTRA:
        _EXTRA.append(redact_text)


def unregister_redactor(redact_text: Callable[[str], str]) -> None:
    if redact_text in _EXTRA:
        _EXTRA.remove(redact_text)


def redact(text: str) -> str:
    if not text:
        return text
    text = _redact_codes(_redact_cards(text))
    for extra in _EXTRA:
        text = extra(text)
    return text


def redact_value(value: object) -> object:
    """Every string inside a JSON-like value (a ticket's facts)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value


def _redact_part(part: EmailMessage) -> bool:
    changed = False
    filename = part.get_filename()
    if filename and redact(filename) != filename:
        part.set_param("filename", redact(filename), header="Content-Disposition")
        if part.get_param("name"):
            part.set_param("name", redact(filename))
        changed = True
    if part.get_content_maintype() == "text" and not part.is_attachment():
        text = part.get_content()
        if redact(text) != text:
            disposition = part.get_content_disposition()
            part.set_content(redact(text), subtype=part.get_content_subtype(), cte="quoted-printable")
            if disposition:
                part.replace_header("Content-Disposition", disposition)
            changed = True
    return changed


def redact_raw_email(raw: bytes) -> bytes:
    """The copy of an inbound email we keep, with card numbers and security codes masked in its
    headers, text parts and file names. Unchanged (byte for byte) when it holds none; else the
    message is written out again, which reads back as the same email with the numbers masked."""
    changed = False
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        for name in ("Subject", "From", "To", "Reply-To"):
            for value in message.get_all(name) or []:
                if redact(str(value)) != str(value):
                    del message[name]
                    message[name] = redact(str(value))
                    changed = True
        for part in message.walk():
            if not part.is_multipart():
                changed = _redact_part(part) or changed
        if changed:
            raw = message.as_bytes(policy=policy.SMTP)
    except Exception:  # noqa: S110 - an unreadable email is still masked where its bytes show digits
        pass
    # Digits written plainly (7-bit or 8-bit parts, an email the parser could not read) are masked too.
    text = raw.decode("latin-1")
    redacted = _redact_plain(text)
    return raw if redacted == text else redacted.encode("latin-1", errors="replace")


# An id that threads a conversation (Message-ID, In-Reply-To, References): "<...@...>".
_THREADING_ID = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
_END_OF_HEADERS = re.compile(r"\r?\n\r?\n")


def _redact_plain(text: str) -> str:
    """`redact` over a whole raw email, but for the message ids in its headers: a random id whose digits
    happen to pass the card check (about one in ten of ours) must still match the email it answers."""
    end = _END_OF_HEADERS.search(text)
    head, body = (text[: end.end()], text[end.end() :]) if end else (text, "")
    pieces = _THREADING_ID.split(head)
    ids = _THREADING_ID.findall(head)
    kept = [redact(piece) + (ids[i] if i < len(ids) else "") for i, piece in enumerate(pieces)]
    return "".join(kept) + redact(body)
