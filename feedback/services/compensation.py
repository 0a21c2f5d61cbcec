"""What compensation a ticket was granted, through the reader the granting app registered with
tickets (tickets.compensation); feedback imports no such app.

Any failure reads as "nothing known", and a savepoint keeps a missing table from breaking the caller."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import transaction

from tickets.compensation import approved_compensation_items, compensation_kind_label
from tickets.models import Ticket

logger = logging.getLogger(__name__)


def approved_compensation(ticket: Ticket) -> tuple[list[dict[str, str]], Decimal | None]:
    """The approved compensation on this ticket as [{kind, currency, amount, amount_usd}], and its USD total."""
    try:
        with transaction.atomic():
            items = approved_compensation_items(ticket)
    except Exception as error:  # mid-change or a missing table: the case is recorded without it
        logger.warning("compensation not read for ticket %s: %s", ticket.pk, error)
        return [], None
    if not items:
        return [], None
    total = sum((Decimal(item["amount_usd"]) for item in items), Decimal("0.00"))
    return items, total


def compensation_labels(items: list[dict[str, Any]]) -> list[str]:
    """Each item as "Partial refund: EUR 20.00", its kind in the viewer's language."""
    return [
        f"{compensation_kind_label(item.get('kind', ''))}: {item.get('currency', '')} {item.get('amount', '')}"
        for item in items
    ]
