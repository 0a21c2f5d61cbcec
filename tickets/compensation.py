"""What a ticket was granted in compensation, for the apps that read it without depending on the
app that grants it: that app (policies) registers a reader and its kinds' labels in its
AppConfig.ready. Without a registration nothing is known: no items, and kinds shown as stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Ticket

# One approved item as {kind, currency, amount, amount_usd}, every value a string.
Reader = Callable[[Ticket], list[dict[str, str]]]

_READERS: list[Reader] = []
_KIND_LABELS: dict[str, Any] = {}


def register_compensation_reader(reader: Reader, kind_labels: dict[str, Any]) -> None:
    """Install the reader of a ticket's approved compensation (a later registration wins) and the
    labels (lazy translations) of its kinds."""
    _READERS[:] = [reader]
    _KIND_LABELS.update(kind_labels)


def approved_compensation_items(ticket: Ticket) -> list[dict[str, str]] | None:
    """The approved compensation on the ticket; None when no app reads it."""
    return _READERS[0](ticket) if _READERS else None


def compensation_kind_label(kind: str) -> str:
    """The kind's label in the active language; the kind itself when no app named it."""
    return str(_KIND_LABELS.get(kind, kind))
