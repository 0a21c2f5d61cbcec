from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest

from messaging.models import ChannelAccount

from . import payloads as p
from .fakes import LINE_TOKEN, TG_TOKEN, WA_PHONE_ID, WA_TOKEN, FakeServer

HEADERS = {
    "whatsapp": "HTTP_X_HUB_SIGNATURE_256",
    "line": "HTTP_X_LINE_SIGNATURE",
    "telegram": "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN",
}


@pytest.fixture(autouse=True)
def _quiet_queue(settings):
    """The queue messages and the assistant are off unless a test asks for them (`queue_messages`):
    the other tests count exactly what an agent's reply sends."""
    settings.MESSAGING_QUEUE_MESSAGES = False
    settings.ASSISTANT_CHANNELS = []


@pytest.fixture
def queue_messages(settings):
    settings.MESSAGING_QUEUE_MESSAGES = True


@pytest.fixture
def fake():
    with FakeServer() as server:
        yield server


@pytest.fixture
def accounts(db, fake, teams):
    return SimpleNamespace(
        whatsapp=ChannelAccount.objects.create(
            provider="whatsapp",
            name="Shop WhatsApp",
            slug="shop-wa",
            webhook_secret=p.WA_SECRET,
            access_token=WA_TOKEN,
            verify_token="verify-me",
            sender_id=WA_PHONE_ID,
            api_base_url=fake.base,
        ),
        line=ChannelAccount.objects.create(
            provider="line",
            name="Shop LINE",
            slug="shop-line",
            webhook_secret=p.LINE_SECRET,
            access_token=LINE_TOKEN,
            api_base_url=fake.base,
            content_base_url=fake.base,
        ),
        telegram=ChannelAccount.objects.create(
            provider="telegram",
            name="Shop bot",
            slug="shop-bot",
            webhook_secret=p.TG_SECRET,
            access_token=TG_TOKEN,
            api_base_url=fake.base,
        ),
    )


@pytest.fixture
def post(client, django_capture_on_commit_callbacks) -> Callable[..., object]:
    """POST a body to an account's webhook with its signature header; tasks run after commit."""

    def send(provider: str, slug: str, body: bytes, signature: str | None):
        extra = {HEADERS[provider]: signature} if signature is not None else {}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/webhooks/messaging/{provider}/{slug}/", body, content_type="application/json", **extra
            )

    return send
