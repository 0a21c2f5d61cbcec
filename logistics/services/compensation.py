"""The one door from this app into the compensation app (policies), kept small because that
app's API is still being settled: a proposed percent coupon goes through
policies.services.compensation_request_create like any agent's request, so the tier limit, the
per-ticket-and-order total, the exchange rate of the day and supervisor approval all apply.

The requester is the team's automation agent: a login-less user with an agent profile in the
ticket's team, at LOGISTICS_AUTOMATION_TIER (default L1), never on shift (so never routed
tickets). Within that tier's authority the coupon is approved at once and its code goes in the
logistics notice (the compensation app sends no email of its own about it); above it, it waits for
a supervisor, whose grant the compensation app emails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from helpdesk import roles
from helpdesk.errors import ServiceError
from tickets.models import AgentProfile, Team, Ticket

from .. import conf

logger = logging.getLogger(__name__)

AUTOMATION_USERNAME = "logistics-automation-{team}"


@dataclass(frozen=True)
class CouponOutcome:
    state: str  # "approved", "pending" (a supervisor decides) or "refused" (the rules said no)
    request_id: int | None = None
    reason: str = ""


def automation_agent(team: Team) -> Any:
    """The team's automation agent, created on first use."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=AUTOMATION_USERNAME.format(team=team.pk),
        defaults={"first_name": "Logistics", "last_name": "automation", "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if not user.groups.filter(name=roles.AGENT_GROUP).exists():
        roles.ensure_groups()
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name=roles.AGENT_GROUP))
    AgentProfile.objects.get_or_create(
        user=user, defaults={"team": team, "tier": conf.automation_tier(), "on_shift": False, "languages": []}
    )
    return user_model.objects.get(pk=user.pk)  # fresh: no stale permission cache


def coupon_propose(*, ticket: Ticket, percent: Decimal, reason: str, note: str) -> CouponOutcome:
    """Ask the compensation rules for a percent coupon on the ticket's order. Whatever goes wrong
    there is reported as refused: the customer's notice must not depend on it."""
    valid_until = timezone.now().date() + timedelta(days=conf.coupon_valid_days())
    try:
        from policies.services import compensation_request_create

        actor = automation_agent(ticket.team)
        with transaction.atomic():
            request = compensation_request_create(
                ticket=ticket,
                actor=actor,
                kind="coupon",
                coupon_type="percent",
                coupon_percent=percent,
                coupon_valid_until=valid_until.isoformat(),
                reason=reason,
                message_mode="note",
                message=note,
                requester_tells_customer=True,  # the code goes in the logistics notice
            )
    except ServiceError as error:
        return CouponOutcome(state="refused", reason=error.message)
    except Exception:  # the compensation app failed: noted on the ticket, the rest goes on
        logger.exception("proposing a coupon on ticket %s failed", ticket.pk)
        return CouponOutcome(state="refused", reason="the compensation service failed; see the logs")
    return CouponOutcome(state=str(request.state), request_id=request.pk)


def coupon_code(request_id: int) -> str:
    """The code of the coupon a request granted ("" when none was granted)."""
    from policies.models import CompensationGrant

    return CompensationGrant.objects.filter(request_id=request_id).values_list("coupon_code", flat=True).first() or ""
