"""What compensation a ticket was granted, read from the policies app when it is there.

feedback does not depend on policies being installed, migrated or importable: any failure
reads as "nothing known", and a savepoint keeps a missing table from breaking the caller."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import transaction

from tickets.models import Ticket

logger = logging.getLogger(__name__)


def approved_compensation(ticket: Ticket) -> tuple[list[dict[str, str]], Decimal | None]:
    """The approved compensation on this ticket as [{kind, currency, amount, amount_usd}], and its USD total."""
    try:
        from policies import selectors
        from policies.models import RequestState
    except Exception as error:  # not installed or mid-change: the case is recorded without it
        logger.info("compensation not read for ticket %s: %s", ticket.pk, error)
        return [], None
    try:
        with transaction.atomic():
            committed = selectors.committed_on_ticket(ticket)
            approved = [
                item for item in committed.items if item.state == RequestState.APPROVED and item.ticket_id == ticket.pk
            ]
    except Exception as error:
        logger.warning("compensation not read for ticket %s: %s", ticket.pk, error)
        return [], None
    items = [
        {
            "kind": str(item.kind),
            "currency": str(item.currency),
            "amount": str(getattr(item, "amount_display", item.amount)),
            "amount_usd": str(item.amount_usd),
        }
        for item in approved
    ]
    total = sum((Decimal(str(item.amount_usd)) for item in approved), Decimal("0.00"))
    return items, (total if items else None)


def compensation_labels(items: list[dict[str, Any]]) -> list[str]:
    """Each item as "Partial refund: EUR 20.00", its kind in the viewer's language when policies knows it."""
    try:
        from policies.models import Kind

        names = {value: str(label) for value, label in Kind.choices}
    except Exception:
        names = {}
    return [
        f"{names.get(item.get('kind', ''), item.get('kind', ''))}: {item.get('currency', '')} {item.get('amount', '')}"
        for item in items
    ]
