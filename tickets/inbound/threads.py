"""Which ticket an inbound email continues, if any.

Order of evidence: the ids in In-Reply-To, then References (newest first), then a
reference such as [HD-000123] in the subject. Our random Message-IDs are unguessable, so a
match on one is trusted whoever replies. The ticket thread id <ticket-<pk>@domain> and the
subject reference are guessable: they count only when the sender is the ticket's customer,
so a stranger cannot write into someone else's ticket.
"""

from __future__ import annotations

import re

from ..models import Message, OutboundEmail, Ticket, parse_reference
from ..services.email import EMAIL_DOMAIN
from .parsing import ParsedEmail

_THREAD_ID = re.compile(r"^<ticket-(\d{1,18})@([^<>@\s]+)>$", re.IGNORECASE)
_SUBJECT_REFERENCE = re.compile(r"\[\s*(HD-\d{1,18})\s*\]", re.IGNORECASE)
_MAX_MERGE_HOPS = 5


def _ids_newest_first(parsed: ParsedEmail) -> list[str]:
    ordered: list[str] = []
    for mid in [*parsed.in_reply_to, *reversed(parsed.references)]:
        if mid not in ordered:
            ordered.append(mid)
    return ordered


def _from_customer(ticket: Ticket, sender: str) -> bool:
    return bool(sender) and ticket.customer.email.strip().lower() == sender.strip().lower()


def _follow_merges(ticket: Ticket) -> Ticket:
    """A merged duplicate hands its conversation on to the ticket it was merged into."""
    for _hop in range(_MAX_MERGE_HOPS):
        if ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.select_related("customer").get(pk=ticket.merged_into_id)
    return ticket


def _by_headers(parsed: ParsedEmail) -> Ticket | None:
    ids = _ids_newest_first(parsed)
    if not ids:
        return None
    ticket_of: dict[str, int] = dict(
        Message.objects.filter(email_message_id__in=ids).values_list("email_message_id", "ticket_id")
    )
    for mid, ticket_id in OutboundEmail.objects.filter(email_message_id__in=ids, ticket__isnull=False).values_list(
        "email_message_id", "ticket_id"
    ):
        ticket_of.setdefault(mid, ticket_id)
    for mid in ids:
        if mid in ticket_of:
            return Ticket.objects.select_related("customer").get(pk=ticket_of[mid])
        match = _THREAD_ID.match(mid)
        if match and match.group(2).lower() == EMAIL_DOMAIN.lower():
            ticket = Ticket.objects.select_related("customer").filter(pk=int(match.group(1))).first()
            if ticket is not None and _from_customer(ticket, parsed.sender):
                return ticket
    return None


def _by_subject(parsed: ParsedEmail) -> Ticket | None:
    for reference in _SUBJECT_REFERENCE.findall(parsed.subject):
        pk = parse_reference(reference)
        ticket = Ticket.objects.select_related("customer").filter(pk=pk).first() if pk else None
        if ticket is not None and _from_customer(ticket, parsed.sender):
            return ticket
    return None


def ticket_for_reply(parsed: ParsedEmail) -> Ticket | None:
    """The ticket this email answers, or None for a new conversation."""
    ticket = _by_headers(parsed) or _by_subject(parsed)
    return _follow_merges(ticket) if ticket is not None else None
