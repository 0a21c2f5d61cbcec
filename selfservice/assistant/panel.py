"""The agent's card on the ticket page: what the assistant learnt and did in this conversation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from helpdesk import roles
from helpdesk.prepared import Prepared
from tickets.models import Ticket
from tickets.ticket_reads import category_fields

from ..models import AssistantSession, AssistantStep, HandoverReason
from . import texts


def _fact_rows(ticket: Ticket, facts: dict[str, Any]) -> list[tuple[str, Any]]:
    labels = {f.key: str(f.label) for f in category_fields(ticket.category_id)}
    return [(labels.get(key, key), value) for key, value in facts.items()]


_SESSION = Prepared(
    lambda ticket_id: AssistantSession.objects.select_related("order").filter(ticket_id=ticket_id).order_by("pk")[:1],
    ticket_id=int,
)


def assistant_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    if not roles.is_agent(request.user):
        return None
    session = _SESSION.first(ticket_id=ticket.pk)
    if session is None:
        return None
    return {
        "session": session,
        "intent_label": texts.intent_label(session.intent) if session.intent else "",
        "intents": [texts.intent_label(i) for i in session.intents_asked],
        "facts": _fact_rows(ticket, session.facts),
        "waiting_for": AssistantStep(session.step).label if session.step and not session.handed_over_at else "",
        "reason": HandoverReason(session.handover_reason).label if session.handover_reason else "",
    }
