"""What a decision leaves behind: the log entry, the payout record, the ticket's history and
message, the customer's email and the requester's notice."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from helpdesk.money import format_money
from tickets.history import ticket_event_record
from tickets.services import email_queue, message_add_note, message_add_reply
from workspace.audit import audit_record
from workspace.models import NoticeKind
from workspace.notifications import notify

from ..models import CompensationGrant, CompensationRequest, CouponType, Decision, DecisionLog, Kind, MessageMode

logger = logging.getLogger(__name__)

COUPON_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread

# Apps above that tell the customer themselves about the grant of some requests (the returns app
# writes at each step of a return, and a refund is paid only on receipt): no email of ours then.
_CUSTOMER_TOLD_BY: list[Callable[[CompensationRequest], bool]] = []


def register_customer_notice(tells: Callable[[CompensationRequest], bool]) -> None:
    """Register `tells(request)`: True when the caller's app tells the customer of this grant."""
    if tells not in _CUSTOMER_TOLD_BY:
        _CUSTOMER_TOLD_BY.append(tells)


def money(request: CompensationRequest, language: str) -> str:
    return format_money(request.amount_display, request.currency, language)


def describe(request: CompensationRequest, language: str = "en") -> str:
    """One line for histories and notices, e.g. 'Coupon: 5% (EUR 6.00)'."""
    if request.kind == Kind.COUPON and request.coupon_type == CouponType.PERCENT:
        value = f"{(request.coupon_percent or Decimal(0)).normalize():f} %"
        return f"{request.get_kind_display()}: {value} ({request.currency} {request.amount_display})"
    return f"{request.get_kind_display()}: {request.currency} {request.amount_display}"


def new_coupon_code() -> str:
    while True:
        raw = "".join(secrets.choice(COUPON_ALPHABET) for _ in range(10))
        code = f"HD-{raw[:5]}-{raw[5:]}"
        if not CompensationGrant.objects.filter(coupon_code=code).exists():
            return code


def record_decision(
    request: CompensationRequest, *, actor: Any, decision: str, comment: str, automatic: bool = False
) -> DecisionLog:
    """Called once, by whoever moved the request out of pending."""
    log = DecisionLog.objects.create(
        request=request,
        decision=decision,
        automatic=automatic,
        actor=actor,
        comment=comment,
        currency=request.currency,
        amount=request.amount,
        rate=request.rate,
        rate_date=request.rate_date,
        amount_usd=request.amount_usd,
        created_at=request.decided_at or timezone.now(),
    )
    audit_record(
        action=f"compensation.{decision}",
        actor=actor,
        target=request,
        ticket=request.ticket.reference,
        what=describe(request),
        amount_usd=request.amount_usd,
        automatic=automatic,
        comment=comment,
    )
    if decision == Decision.APPROVED:
        _grant(request, actor=actor, automatic=automatic)
    else:
        ticket_event_record(
            ticket=request.ticket, kind="compensation_rejected", actor=actor, data={"new": describe(request)}
        )
    if not automatic:
        _tell_requester(request, decision=decision, comment=comment)
    return log


def _grant(request: CompensationRequest, *, actor: Any, automatic: bool) -> CompensationGrant:
    ticket = request.ticket
    grant = CompensationGrant.objects.create(
        request=request,
        ticket=ticket,
        order=request.order,
        customer=request.customer,
        kind=request.kind,
        currency=request.currency,
        amount=request.amount,
        amount_usd=request.amount_usd,
        coupon_code=new_coupon_code() if request.kind == Kind.COUPON else None,
        created_at=request.decided_at or timezone.now(),
    )
    ticket_event_record(ticket=ticket, kind="compensation_approved", actor=actor, data={"new": describe(request)})
    told_by_requester = (automatic and request.requester_tells_customer) or any(
        tells(request) for tells in _CUSTOMER_TOLD_BY
    )
    if not _post_message(request, grant, automatic=automatic) and not told_by_requester:
        _email_customer(request, grant)
    return grant


def _post_message(request: CompensationRequest, grant: CompensationGrant, *, automatic: bool) -> bool:
    """The reply or note the requesting agent chose; a note by the system when the reply
    cannot be sent any more (ticket closed meanwhile, agent moved to another team).

    True when a public reply went out: it carries what was granted (coupon code included) under
    the agent's words, so it is the customer's one email about the decision."""
    ticket, author = request.ticket, request.requested_by
    summary = _("Compensation approved: %(what)s.") % {"what": describe(request)}
    if grant.coupon_code:
        summary += " " + _("Coupon code: %(code)s.") % {"code": grant.coupon_code}
    decider = request.decided_by
    if not automatic and decider is not None:
        summary += " " + _("Decided by %(name)s: %(comment)s") % {
            "name": decider.get_full_name() or decider.get_username(),
            "comment": request.decision_comment,
        }
    try:
        with transaction.atomic():
            if request.message_mode == MessageMode.REPLY:
                body = f"{request.message}\n\n{_granted_text(request, grant)}"
                message_add_reply(ticket=ticket, author=author, body=body)
                return True
            body = summary + (f"\n\n{request.message}" if request.message else "")
            message_add_note(ticket=ticket, author=author, body=body)
            return False
    except ServiceError as error:
        logger.info(
            "compensation %s: message as %s failed (%s); noting it", request.pk, request.message_mode, error.message
        )
    message_add_note(ticket=ticket, author=None, body=summary)
    return False


def _granted_text(request: CompensationRequest, grant: CompensationGrant) -> str:
    """What was granted, as the decision email says it, in the ticket's language."""
    language = request.ticket.language
    with translation.override(language):
        text = render_to_string("emails/policies/granted_in_reply.txt", _customer_context(request, grant))
    return text.strip()


def _email_customer(request: CompensationRequest, grant: CompensationGrant) -> None:
    ticket = request.ticket
    email_queue(
        key=f"policies-approved:{request.pk}",
        to=ticket.customer.email,
        template="policies/approved",
        context=_customer_context(request, grant),
        language=ticket.language,
        time_zone=ticket.customer.time_zone,
        ticket=ticket,
    )


def _customer_context(request: CompensationRequest, grant: CompensationGrant) -> dict[str, Any]:
    ticket = request.ticket
    return {
        "ticket": ticket,
        "customer": ticket.customer,
        "request": request,
        "kind": Kind(request.kind).label,  # lazy: rendered in the ticket's language
        "amount": money(request, ticket.language),
        "coupon_code": grant.coupon_code,
        "site_url": settings.SITE_URL,
        "LANGUAGE_CODE": ticket.language,  # <html lang> of the email
    }


def _tell_requester(request: CompensationRequest, *, decision: str, comment: str) -> None:
    if decision == Decision.APPROVED:
        text = _("Your compensation on %(ticket)s was approved: %(what)s")
    else:
        text = _("Your compensation on %(ticket)s was rejected: %(what)s")
    notify(
        users=[request.requested_by],
        key=f"policies:decided:{request.pk}",
        text=(text % {"ticket": request.ticket.reference, "what": describe(request)}) + f" — {comment}",
        url=reverse("policies:request", args=[request.pk]),
        kind=NoticeKind.APPROVAL_DECIDED,
    )
