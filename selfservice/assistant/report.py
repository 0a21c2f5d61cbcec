"""The assistant's figures for supervisors over a period (conversations begun in it): how many it
resolved without an agent, its handovers by reason, the intents customers asked.

Resolved without an agent: the assistant answered something (an order's news, a help article), never
handed over, no agent replied in the thread, and the ticket was solved (or closed) or the customer
went quiet for QUIET since the assistant's last turn."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from tickets.models import Message, MessageKind, Status

from ..models import AssistantSession, HandoverReason
from . import texts

QUIET = timedelta(hours=24)


@dataclass(frozen=True)
class AssistantFigures:
    conversations: int
    resolved: int
    handed_over: int
    handovers: list[tuple[str, int]]  # (reason label, count), most first
    intents: list[tuple[str, int]]  # (intent label, count), most first


def assistant_figures(*, start: datetime, end: datetime, now: datetime) -> AssistantFigures:
    sessions = AssistantSession.objects.filter(created_at__gte=start, created_at__lte=end)
    agent_replied = Message.objects.filter(kind=MessageKind.REPLY, is_automatic=False).values("ticket_id")
    candidates = sessions.filter(handed_over_at__isnull=True).exclude(ticket_id__in=agent_replied)
    finished = Q(ticket__status__in=[Status.SOLVED, Status.CLOSED]) | Q(updated_at__lte=now - QUIET)
    resolved = sum(1 for answered in candidates.filter(finished).values_list("answered", flat=True) if answered)
    by_reason = (
        sessions.filter(handed_over_at__isnull=False).values("handover_reason").annotate(n=Count("id")).order_by("-n")
    )
    handovers = [(str(HandoverReason(row["handover_reason"]).label), row["n"]) for row in by_reason]
    intents: Counter[str] = Counter()
    for asked in sessions.values_list("intents_asked", flat=True):
        intents.update(asked or [])
    return AssistantFigures(
        conversations=sessions.count(),
        resolved=resolved,
        handed_over=sum(n for _label, n in handovers),
        handovers=handovers,
        intents=[(texts.intent_label(intent), n) for intent, n in intents.most_common()],
    )
