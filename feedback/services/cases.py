"""The case library: each solved ticket's problem, solution, compensation and rating, searchable."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import NotFound, ServiceError
from tickets.models import MessageKind, Order, Status, Ticket
from tickets.scope import can_see_ticket

from .. import conf
from ..models import CaseRecord, SurveyResponse
from .compensation import approved_compensation

PROBLEM_CHARS = 1500
SOLUTION_CHARS = 4000


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def trim(text: str, limit: int) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def without_identity(text: str, ticket: Ticket) -> str:
    """The text without who the customer is: the library is shared by every team, the customer
    belongs to one. Email addresses, the customer's phone, order numbers and name (whole, or a
    capitalised part of it, as in a signature) become placeholders."""
    customer = ticket.customer
    text = _EMAIL.sub("[email]", text or "")
    orders = Order.objects.filter(customer_id=customer.pk).values_list("external_number", flat=True)
    exact = [(customer.phone, "[phone]"), *((number, "[order]") for number in orders), (customer.name, "[customer]")]
    for value, placeholder in sorted(exact, key=lambda item: -len(item[0] or "")):
        if (value or "").strip():
            text = re.sub(rf"(?<!\w){re.escape(value.strip())}(?!\w)", placeholder, text, flags=re.IGNORECASE)
    for part in sorted(set(re.split(r"[\s,\-]+", customer.name or "")), key=len, reverse=True):
        if len(part) >= 3:
            text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[customer]", text)
    return text


def _delay_days(ticket: Ticket) -> int | None:
    """Days from shipping to the solve, for tickets that recorded a ship date."""
    shipped = ticket.facts.get("ship_date") if isinstance(ticket.facts, dict) else None
    if not shipped or ticket.solved_at is None:
        return None
    try:
        days = (ticket.solved_at.date() - date.fromisoformat(str(shipped))).days
    except ValueError:
        return None
    return days if days >= 0 else None


def _country(ticket: Ticket) -> str:
    facts = ticket.facts if isinstance(ticket.facts, dict) else {}
    order_country = ticket.order.ship_to_country if ticket.order_id and ticket.order else ""
    return str(facts.get("destination_country") or order_country or ticket.customer.country or "")[:2].upper()


def _refresh_search(case_id: int) -> None:
    """The case's full-text vector, on PostgreSQL; SQLite (the quick start) searches the text itself."""
    if not settings.DATABASE_IS_POSTGRES:
        return
    CaseRecord.objects.filter(pk=case_id).update(
        search_vector=SearchVector("problem", weight="A", config="simple")
        + SearchVector("solution", weight="B", config="simple")
    )


@transaction.atomic
def case_record(*, ticket_id: int) -> CaseRecord | None:
    """Record (or refresh) the case of a solved ticket. Safe to run twice and at once."""
    ticket = Ticket.objects.select_related("customer", "order").filter(pk=ticket_id).first()
    if ticket is None or ticket.solved_at is None or ticket.merged_into_id is not None:
        return None
    messages = ticket.messages.order_by("created_at", "id")
    first = messages.filter(kind=MessageKind.CUSTOMER).first()
    last_reply = messages.filter(kind=MessageKind.REPLY, is_automatic=False).last()
    existing = CaseRecord.objects.select_for_update().filter(ticket=ticket).first()
    if existing is not None and existing.solution_by_agent:
        solution = existing.solution
    else:
        solution = trim(without_identity(last_reply.body if last_reply else "", ticket), SOLUTION_CHARS)
    compensation, compensation_usd = approved_compensation(ticket)
    rating = (
        SurveyResponse.objects.filter(ticket=ticket).order_by("-updated_at").values_list("rating", flat=True).first()
    )
    hours = (ticket.solved_at - ticket.created_at).total_seconds() / 3600
    problem = f"{ticket.subject}\n\n{first.body if first else ''}"
    case, _created = CaseRecord.objects.update_or_create(
        ticket=ticket,
        defaults={
            "category_id": ticket.category_id,
            "team_id": ticket.team_id,
            "language": ticket.language,
            "country": _country(ticket),
            "problem": trim(without_identity(problem, ticket), PROBLEM_CHARS),
            "solution": solution,
            "compensation": compensation,
            "compensation_usd": compensation_usd,
            "delay_days": _delay_days(ticket),
            "resolution_hours": Decimal(str(round(max(hours, 0), 1))),
            "rating": rating,
            "solved_at": ticket.solved_at,
        },
    )
    _refresh_search(case.pk)
    return case


def cases_record_missing(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """The sweep: solved tickets with no case yet (read through the partial index over solved
    tickets and the case's unique ticket index), recorded now. Returns the ticket ids."""
    now = now or timezone.now()
    ids = list(
        Ticket.objects.filter(status=Status.SOLVED, solved_at__gte=now - conf.case_lookback())
        .filter(~Exists(CaseRecord.objects.filter(ticket_id=OuterRef("pk"))))
        .order_by("solved_at")
        .values_list("pk", flat=True)[:limit]
    )
    return [pk for pk in ids if case_record(ticket_id=pk) is not None]


def case_set_rating(*, ticket_id: int, rating: int) -> None:
    CaseRecord.objects.filter(ticket_id=ticket_id).update(rating=rating)


@transaction.atomic
def case_set_summary(*, ticket: Ticket, solution: str, actor: Any) -> CaseRecord:
    """An agent's own summary of the solution replaces the last reply in the case."""
    if not roles.is_agent(actor) or not can_see_ticket(actor, ticket):
        raise NotFound(_("Ticket not found."))
    solution = trim(without_identity(solution, ticket), SOLUTION_CHARS)
    if not solution:
        raise ServiceError(_("Write the solution in a few words."), field="solution")
    case = CaseRecord.objects.select_for_update().filter(ticket=ticket).first() or case_record(ticket_id=ticket.pk)
    if case is None:
        raise ServiceError(_("Only a solved ticket has a case."))
    case.solution = solution
    case.solution_by_agent = True
    case.summary_author = actor
    case.save(update_fields=["solution", "solution_by_agent", "summary_author", "updated_at"])
    _refresh_search(case.pk)
    return case
