"""Per provider: a signed text message from the same customer, so tests can run over all three."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import payloads as p


@dataclass(frozen=True)
class Scenario:
    provider: str
    slug: str
    text: Callable[[int, str], bytes]  # the n-th message of the customer, with this text
    sign: Callable[[bytes], str]
    wrong_sign: Callable[[bytes], str]
    key_user: str


def _wa_text(n: int, text: str) -> bytes:
    return p.wa_body(messages=[p.wa_text(f"wamid.in{n}", text)])


def _line_text(n: int, text: str) -> bytes:
    return p.line_body(p.line_event(f"01H{n:023d}", p.line_text(f"4680{n}", text)))


def _tg_text(n: int, text: str) -> bytes:
    return p.tg_body(900 + n, p.tg_message(n, text=text))


SCENARIOS = {
    "whatsapp": Scenario("whatsapp", "shop-wa", _wa_text, p.wa_sign, lambda b: p.wa_sign(b, "not-the-secret"), p.WA_ID),
    "line": Scenario(
        "line", "shop-line", _line_text, p.line_sign, lambda b: p.line_sign(b, "not-the-secret"), p.LINE_USER
    ),
    "telegram": Scenario(
        "telegram", "shop-bot", _tg_text, lambda b: p.TG_SECRET, lambda b: "not-the-secret", str(p.TG_CHAT)
    ),
}


def post_text(post: Any, s: Scenario, n: int, text: str) -> Any:
    body = s.text(n, text)
    return post(s.provider, s.slug, body, s.sign(body))
