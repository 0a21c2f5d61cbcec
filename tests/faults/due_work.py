"""Work that falls due while the broker misbehaves: overdue SLA clocks, approvals waiting past their
reminder and escalation, survey invitations; and the checks that each was acted on exactly once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from feedback.models import InvitationState, SurveyInvitation
from policies.models import CompensationRequest
from tests.factories import CustomerFactory
from tests.feedback.helpers import civil_zone_now
from tests.policies.conftest import ask
from tickets import services as tickets
from tickets.models import Channel, OutboundEmail, SlaBreach, SlaClock, Status, TicketEvent
from workspace.models import Notification

# Emails queued by the worker's sweeps (the test process sends its own in memory).
WORKER_EMAILS = ("sla-breaches:", "sla-reassigned:", "policies-remind:", "policies-escalate:", "feedback-survey:")


@dataclass
class DueWork:
    sla_tickets: list[int] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    invitations: list[int] = field(default_factory=list)

    def __iadd__(self, other: DueWork) -> DueWork:
        self.sla_tickets += other.sla_tickets
        self.requests += other.requests
        self.invitations += other.invitations
        return self


def overdue_tickets(actors: Any, category: Any, count: int, label: str) -> list[int]:
    ids = [
        tickets.ticket_create(
            customer=actors.customer, subject=f"{label} {i}", body="hello", channel=Channel.WEB, category=category
        ).pk
        for i in range(count)
    ]
    past = timezone.now() - timedelta(hours=1)
    SlaClock.objects.filter(ticket_id__in=ids, metric="first_response").update(
        started_at=past - timedelta(minutes=10), warn_at=past - timedelta(minutes=2), due_at=past
    )
    return ids


def overdue_approvals(actors: Any, make_ticket: Any, count: int) -> list[int]:
    ids = [ask(actors.l1, make_ticket(), amount="64.00").pk for _ in range(count)]
    now = timezone.now()
    CompensationRequest.objects.filter(pk__in=ids).update(
        remind_at=now - timedelta(minutes=15),
        escalate_at=now - timedelta(minutes=5),
        sla_due_at=now - timedelta(minutes=15),
    )
    return ids


def due_invitations(actors: Any, category: Any, count: int, label: str) -> list[int]:
    zone = civil_zone_now()
    ids = []
    for i in range(count):
        customer = CustomerFactory(time_zone=zone, email=f"{label}{i}@example.com", country="DE")
        ticket = tickets.ticket_create(
            customer=customer, subject="Question", body="How?", channel=Channel.EMAIL, category=category
        )
        tickets.ticket_assign(ticket=ticket, assignee=actors.l1, actor=actors.l1)
        tickets.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
        ids.append(SurveyInvitation.objects.get(ticket=ticket).pk)
    SurveyInvitation.objects.filter(pk__in=ids).update(due_at=timezone.now() - timedelta(minutes=5))
    return ids


def make_due(actors: Any, categories: Any, make_ticket: Any, label: str, size: int = 5) -> DueWork:
    return DueWork(
        sla_tickets=overdue_tickets(actors, categories.logistics, size, label),
        requests=overdue_approvals(actors, make_ticket, max(1, size // 2)),
        invitations=due_invitations(actors, categories.other, max(1, size // 2), label),
    )


def all_done(work: DueWork) -> bool:
    return (
        SlaBreach.objects.filter(ticket_id__in=work.sla_tickets).count() == len(work.sla_tickets)
        and CompensationRequest.objects.filter(pk__in=work.requests, escalated_at__isnull=False).count()
        == len(work.requests)
        and SurveyInvitation.objects.filter(pk__in=work.invitations, state=InvitationState.SENT).count()
        == len(work.invitations)
        and not OutboundEmail.objects.filter(state__in=["pending", "sending"]).exists()
    )


def assert_each_once(work: DueWork, delivered: Counter[str]) -> None:
    """Every due thing acted on once: one breach, one priority step, no repeated notice, each
    reminder and escalation once, each email delivered once over SMTP."""
    breaches = Counter(SlaBreach.objects.filter(ticket_id__in=work.sla_tickets).values_list("ticket_id", flat=True))
    assert breaches == Counter(work.sla_tickets)
    raised = TicketEvent.objects.filter(ticket_id__in=work.sla_tickets, kind="priority")
    assert Counter(raised.values_list("ticket_id", flat=True)) == Counter(work.sla_tickets)
    # Supervisors' breach notices, keyed "sla-breach:<ticket, or batch-<first ticket>>:<sweep>": at most one per
    # person and sweep, and no ticket (or batch) told twice.
    keys = Notification.objects.filter(key__startswith="sla-breach:").values_list("user_id", "key")
    parts = [(user_id, *key.split(":", 2)[1:]) for user_id, key in keys]
    assert parts, "no supervisor was told of a breach"
    assert len({(user_id, sweep) for user_id, _tickets, sweep in parts}) == len(parts), "told twice in a sweep"
    assert len({(user_id, tickets) for user_id, tickets, _sweep in parts}) == len(parts), "tickets told twice"
    for kind in ("compensation_reminder", "compensation_escalated"):
        events = TicketEvent.objects.filter(kind=kind, ticket__compensation_requests__pk__in=work.requests)
        assert events.count() == len(work.requests), kind
    assert SurveyInvitation.objects.filter(pk__in=work.invitations, state=InvitationState.SENT).count() == len(
        work.invitations
    )
    by_worker = Q()
    for prefix in WORKER_EMAILS:
        by_worker |= Q(key__startswith=prefix)
    rows = list(OutboundEmail.objects.filter(by_worker).values_list("key", "state", "email_message_id"))
    assert rows, "the worker sent no email"
    assert {state for _k, state, _m in rows} == {"sent"}
    assert all(delivered[mid] == 1 for _k, _s, mid in rows), [(k, delivered[m]) for k, _s, m in rows]
    assert all(count == 1 for count in delivered.values()), [m for m, c in delivered.items() if c > 1]
    survey_keys = [f"feedback-survey:{pk}" for pk in work.invitations]
    assert OutboundEmail.objects.filter(key__in=survey_keys, state="sent").count() == len(work.invitations)
