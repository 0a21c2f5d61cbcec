"""Each provider's documented formats: checking a webhook, reading its events, sending, fetching media."""

from __future__ import annotations

from typing import Any

from .common import Event, FilePart, Incoming, Media, PayloadError, ProviderError, StatusUpdate
from .line import Line
from .telegram import Telegram
from .whatsapp import WhatsApp

PROVIDERS: dict[str, Any] = {p.name: p for p in (WhatsApp(), Line(), Telegram())}

__all__ = ["PROVIDERS", "Event", "FilePart", "Incoming", "Media", "PayloadError", "ProviderError", "StatusUpdate"]
