"""Checks shared by the ticket services that staff call: who may change a ticket, and a batch's refusals."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import NotAllowed, NotFound, ServiceError

from ..models import Ticket
from ..scope import can_see_ticket


def only_ticket(ticket: Ticket, refused: dict[int, ServiceError]) -> Ticket:
    """A single-ticket service is its batch form with one ticket: raise that ticket's refusal, if any."""
    if ticket.pk in refused:
        raise refused[ticket.pk]
    return ticket


def ensure_can_work(actor: Any, ticket: Ticket) -> None:
    """Staff may change only the tickets they can see; others are told it does not exist."""
    if actor is None:  # the system itself (periodic tasks, inbound channels)
        return
    if not roles.is_agent(actor):
        raise NotAllowed(_("You are not allowed to do this."))
    if not can_see_ticket(actor, ticket):
        raise NotFound(_("Ticket not found."))
