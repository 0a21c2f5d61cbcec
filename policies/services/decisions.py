"""A supervisor's decision: final, recorded once, never two payouts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import Conflict, NotAllowed, NotFound, ServiceError

from ..models import CompensationRequest, Decision, RequestState
from .audience import approvals_changed, may_decide_scope
from .outcome import record_decision

MAX_COMMENT = 2000


@transaction.atomic
def compensation_request_decide(
    *, request: CompensationRequest, actor: Any, decision: str, comment: str
) -> CompensationRequest:
    """Approve or reject a pending request, with the reason. The state moves by
    compare-and-set, so of two supervisors deciding at once exactly one succeeds; the other
    gets Conflict. The decision log's one-row-per-request constraint backs this up."""
    if not roles.is_supervisor(actor):
        raise NotAllowed(_("Only a supervisor can approve or reject compensation."))
    if decision not in Decision.values:
        raise ServiceError(_("Choose approve or reject."), field="decision")
    fresh = (
        CompensationRequest.objects.select_related("ticket__customer", "order", "requested_by")
        .filter(pk=request.pk)
        .first()
    )
    if fresh is None or not may_decide_scope(actor, fresh):
        raise NotFound(_("Compensation request not found."))
    request = fresh
    if request.requested_by_id == actor.pk:
        raise NotAllowed(_("You cannot decide your own request; another supervisor will."))
    if request.state != RequestState.PENDING:
        raise Conflict(_("This request was already decided: %(state)s.") % {"state": request.get_state_display()})
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Give the reason for your decision."), field="comment")
    if len(comment) > MAX_COMMENT:
        raise ServiceError(_("At most %(count)d characters.") % {"count": MAX_COMMENT}, field="comment")

    now = timezone.now()
    changed = CompensationRequest.objects.filter(pk=request.pk, state=RequestState.PENDING).update(
        state=decision, decided_by=actor, decided_at=now, decision_comment=comment, sla_due_at=None
    )
    if not changed:
        raise Conflict(_("Another supervisor decided this request meanwhile."))
    request.refresh_from_db()  # the row as decided: final from here on (the model refuses to save it again)
    record_decision(request, actor=actor, decision=decision, comment=comment)
    approvals_changed(request)
    return request
