"""A customer writing to the shop's Telegram or WhatsApp account, through the signed webhooks and
the fake providers of the messaging tests, and what the assistant sent back."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail

from tests.messaging import payloads as p
from tests.messaging.fakes import PNG

SEND_PATH = {"whatsapp": "/messages", "line": "/v2/bot/message/push", "telegram": "/sendMessage"}


class Chat:
    """One app user's conversation: `say` posts their next message; `replies` reads what was sent."""

    def __init__(self, post: Any, fake: Any, provider: str = "telegram", language: str = "en") -> None:
        self.post, self.fake, self.provider, self.language = post, fake, provider, language
        self.count = 0

    def _telegram(self, **content: Any) -> bytes:
        message = p.tg_message(self.count, **content)
        message["from"] = {**message["from"], "language_code": self.language}
        return p.tg_body(900 + self.count, message)

    def say(self, text: str) -> Any:
        self.count += 1
        if self.provider == "telegram":
            body = self._telegram(text=text)
            return self.post("telegram", "shop-bot", body, p.TG_SECRET)
        body = p.wa_body(messages=[p.wa_text(f"wamid.in{self.count}", text)])
        return self.post("whatsapp", "shop-wa", body, p.wa_sign(body))

    def send_photo(self, caption: str = "") -> Any:
        self.count += 1
        media = f"media-{self.count}"
        self.fake.state.media[media] = PNG
        if self.provider == "telegram":
            extra: dict[str, Any] = {"caption": caption} if caption else {}
            body = self._telegram(photo=p.tg_photo(media), **extra)
            return self.post("telegram", "shop-bot", body, p.TG_SECRET)
        body = p.wa_body(messages=[p.wa_image(f"wamid.in{self.count}", media, caption=caption)])
        return self.post("whatsapp", "shop-wa", body, p.wa_sign(body))

    def replies(self) -> list[str]:
        sent = self.fake.state.sent(SEND_PATH[self.provider])
        if self.provider == "telegram":
            return [r.body["text"] for r in sent]
        return [r.body["text"]["body"] for r in sent]

    def last(self) -> str:
        found = self.replies()
        assert found, "the assistant said nothing"
        return found[-1]


def code_from_mail() -> str:
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)
