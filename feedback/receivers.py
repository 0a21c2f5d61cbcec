"""What a ticket's status change means here. Runs inside the status service's transaction:
work is done in a savepoint and logged on failure, so a fault here never blocks a solve
(the periodic sweeps create whatever was missed)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from helpdesk.tasking import enqueue
from tickets.models import Status

from . import services
from .models import CaseRecord

logger = logging.getLogger(__name__)


def on_ticket_status_changed(sender: Any, ticket: Any, old: str, new: str, **kwargs: Any) -> None:
    if new != Status.SOLVED and old != Status.SOLVED and new != Status.CLOSED:
        return  # nothing of surveys or cases changes (and no savepoint per ticket of a bulk change)
    try:
        with transaction.atomic():
            if new == Status.SOLVED:
                services.invitation_create_on_solve(ticket=ticket)
            elif old == Status.SOLVED and new != Status.CLOSED:
                services.invitations_cancel_pending(ticket=ticket)
    except Exception:
        logger.exception("survey invitation not updated for ticket %s (%s -> %s)", ticket.pk, old, new)
    # On solve the case is recorded (or refreshed); on close only if it is still missing.
    if new == Status.SOLVED or (new == Status.CLOSED and not CaseRecord.objects.filter(ticket_id=ticket.pk).exists()):
        enqueue("feedback.tasks.record_case", ticket.pk)
