from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.countries import is_real_country
from helpdesk.errors import ServiceError
from helpdesk.money import currency_exponent

from ..history import TicketEventKind, ticket_event_record, ticket_events_record
from ..models import (
    Category,
    CategoryField,
    FactType,
    Priority,
    Status,
    Team,
    Ticket,
)
from ..redaction import redact
from ._common import ensure_can_work, only_ticket
from .customers import normalise_language
from .messages import append_search_text
from .sla import sla_retarget_many
from .status import change_statuses

AUTO_CLOSE_AFTER = timedelta(days=7)


_RELATED = ("category", "team")


def _current(ticket: Ticket, field: str) -> Any:
    return getattr(ticket, f"{field}_id") if field in _RELATED else getattr(ticket, field)


def _set_many(tickets: Sequence[Ticket], field: str, value: Any, actor: Any, shown: Any = None) -> None:
    """Write one value of a field to tickets (those already holding it are left alone), with one UPDATE
    and their events with one INSERT; a new category or priority moves their SLA clocks."""
    key = (value.pk if value is not None else None) if field in _RELATED else value
    changing = [t for t in tickets if _current(t, field) != key]
    if not changing:
        return
    now = timezone.now()
    olds = {t.pk: _current(t, field) for t in changing}
    Ticket.objects.filter(pk__in=[t.pk for t in changing]).update(**{field: value, "updated_at": now})
    for ticket in changing:
        setattr(ticket, field, value)
        ticket.updated_at = now
    new_shown = shown if shown is not None else value
    if len(changing) == 1:
        ticket_event_record(
            ticket=changing[0],
            kind=TicketEventKind(field),
            actor=actor,
            data={"old": olds[changing[0].pk], "new": new_shown},
        )
    else:
        rows = [(t.pk, TicketEventKind(field), olds[t.pk], new_shown) for t in changing]
        ticket_events_record(rows, created=now, actor=actor)
    if field in ("priority", "category"):
        sla_retarget_many(tickets=changing)


def _set_field(ticket: Ticket, field: str, value: Any, actor: Any, shown: Any = None) -> None:
    _set_many([ticket], field, value, actor, shown)


def _refusals(tickets: Sequence[Ticket], actor: Any) -> dict[int, ServiceError]:
    refused: dict[int, ServiceError] = {}
    for ticket in tickets:
        try:
            ensure_can_work(actor, ticket)
        except ServiceError as error:
            refused[ticket.pk] = error
    return refused


def _assign_refusal(ticket: Ticket, assignee: Any, actor: Any) -> ServiceError | None:
    try:
        ensure_can_work(actor, ticket)
    except ServiceError as error:
        return error
    if assignee is not None:
        profile = getattr(assignee, "agent_profile", None)
        if not roles.is_agent(assignee) or profile is None:
            return ServiceError(_("Tickets can only be assigned to agents."), field="assignee")
        if profile.team_id != ticket.team_id:
            return ServiceError(_("The agent is not in the ticket's team."), field="assignee")
    return None


@transaction.atomic
def tickets_assign(*, tickets: Sequence[Ticket], assignee: Any, actor: Any) -> dict[int, ServiceError]:
    """Give tickets to an agent of their team (or take them back with assignee=None): each checked in
    Python, those accepted written with one UPDATE and their events with one INSERT, however many.
    The one write path of assignments (ticket_assign is this with one ticket). Returns the refusals
    by ticket id; the tickets given are updated in place."""
    refused: dict[int, ServiceError] = {}
    changing: list[Ticket] = []
    new_id = assignee.pk if assignee is not None else None
    for ticket in tickets:
        error = _assign_refusal(ticket, assignee, actor)
        if error is not None:
            refused[ticket.pk] = error
        elif ticket.assignee_id != new_id:
            changing.append(ticket)
    if changing:
        now = timezone.now()
        Ticket.objects.filter(pk__in=[t.pk for t in changing]).update(assignee=assignee, updated_at=now)
        shown = assignee.get_username() if assignee is not None else ""
        ticket_events_record(
            [(t.pk, TicketEventKind.ASSIGNEE, t.assignee_id, shown) for t in changing], created=now, actor=actor
        )
        for ticket in changing:
            ticket.assignee, ticket.updated_at = assignee, now
    return refused


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee: Any, actor: Any) -> Ticket:
    """Give the ticket to an agent of its team (or take it back with assignee=None)."""
    return only_ticket(ticket, tickets_assign(tickets=[ticket], assignee=assignee, actor=actor))


@transaction.atomic
def tickets_set_priority(*, tickets: Sequence[Ticket], priority: int, actor: Any) -> dict[int, ServiceError]:
    """Set the priority of tickets, each checked, those accepted written together; the refusals by id."""
    if priority not in Priority.values:
        raise ServiceError(_("Unknown priority."), field="priority")
    refused = _refusals(tickets, actor)
    _set_many([t for t in tickets if t.pk not in refused], "priority", priority, actor)
    return refused


@transaction.atomic
def ticket_set_priority(*, ticket: Ticket, priority: int, actor: Any) -> Ticket:
    return only_ticket(ticket, tickets_set_priority(tickets=[ticket], priority=priority, actor=actor))


@transaction.atomic
def tickets_set_category(
    *, tickets: Sequence[Ticket], category: Category | None, actor: Any
) -> dict[int, ServiceError]:
    """Set the category of tickets, each checked, those accepted written together; the refusals by id."""
    refused = _refusals(tickets, actor)
    shown = category.slug if category else ""
    _set_many([t for t in tickets if t.pk not in refused], "category", category, actor, shown=shown)
    return refused


@transaction.atomic
def ticket_set_category(*, ticket: Ticket, category: Category | None, actor: Any) -> Ticket:
    return only_ticket(ticket, tickets_set_category(tickets=[ticket], category=category, actor=actor))


@transaction.atomic
def tickets_set_team(*, tickets: Sequence[Ticket], team: Team, actor: Any) -> dict[int, ServiceError]:
    """Hand tickets to another team, each checked, those accepted moved together; an assignee outside
    that team lets their ticket go. Returns the refusals by ticket id."""
    refused = _refusals(tickets, actor)
    for ticket in tickets:
        if ticket.pk not in refused and (ticket.status == Status.CLOSED or ticket.merged_into_id is not None):
            refused[ticket.pk] = ServiceError(_("A closed or merged ticket cannot move to another team."), field="team")
    moving = [t for t in tickets if t.pk not in refused and t.team_id != team.pk]

    def stays_with_assignee(ticket: Ticket) -> bool:
        profile = getattr(ticket.assignee, "agent_profile", None) if ticket.assignee_id else None
        return ticket.assignee_id is None or getattr(profile, "team_id", None) == team.pk

    letting_go = [t for t in moving if not stays_with_assignee(t)]
    if letting_go:
        tickets_assign(tickets=letting_go, assignee=None, actor=actor)
    _set_many(moving, "team", team, actor, shown=team.slug)
    return refused


@transaction.atomic
def ticket_set_team(*, ticket: Ticket, team: Team, actor: Any) -> Ticket:
    """Hand the ticket to another team; an assignee outside that team lets it go."""
    return only_ticket(ticket, tickets_set_team(tickets=[ticket], team=team, actor=actor))


@transaction.atomic
def ticket_set_language(*, ticket: Ticket, language: str, actor: Any) -> Ticket:
    ensure_can_work(actor, ticket)
    _set_field(ticket, "language", normalise_language(language), actor)
    return ticket


def _clean_fact(field: CategoryField, value: Any) -> Any:
    if field.field_type == FactType.TEXT:
        text = redact(" ".join(str(value).split()))
        if len(text) > 500:
            raise ServiceError(_("At most 500 characters."), field=field.key)
        return text
    if field.field_type == FactType.DATE:
        try:
            parsed = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        except ValueError:
            raise ServiceError(_("Enter a date as YYYY-MM-DD."), field=field.key) from None
        if parsed > timezone.now().date() + timedelta(days=1):
            raise ServiceError(_("The date cannot be in the future."), field=field.key)
        return parsed.isoformat()
    if field.field_type == FactType.COUNTRY:
        code = str(value).strip().upper()
        if not is_real_country(code):
            raise ServiceError(_("Enter a two-letter country code such as DE."), field=field.key)
        return code
    if field.field_type == FactType.MONEY:
        amount = value.get("amount") if isinstance(value, dict) else None
        currency = str(value.get("currency", "")).upper() if isinstance(value, dict) else ""
        exponent = currency_exponent(currency)
        if exponent is None:
            raise ServiceError(_("Unknown currency code."), field=field.key)
        try:
            number = Decimal(str(amount))
        except (InvalidOperation, ValueError):
            raise ServiceError(_("Enter a valid amount."), field=field.key) from None
        if not number.is_finite() or number < 0 or number != number.quantize(Decimal(1).scaleb(-exponent)):
            raise ServiceError(_("Enter a valid amount."), field=field.key)
        return {"amount": str(number), "currency": currency}
    raise ServiceError(_("This fact is taken from the ticket's attachments."), field=field.key)


@transaction.atomic
def ticket_record_facts(*, ticket: Ticket, facts: dict[str, Any], actor: Any) -> Ticket:
    """Capture facts of the ticket's category; an empty value clears a fact."""
    ensure_can_work(actor, ticket)
    fields = {f.key: f for f in CategoryField.objects.filter(category=ticket.category)} if ticket.category else {}
    updated = dict(ticket.facts)
    for key, value in facts.items():
        field = fields.get(key)
        if field is None:
            raise ServiceError(_("Unknown fact for this category."), field=key)
        if value in (None, "", {}) or (isinstance(value, dict) and not value.get("amount")):
            updated.pop(key, None)
        else:
            updated[key] = _clean_fact(field, value)
    if updated != ticket.facts:
        changed = sorted(k for k in set(updated) | set(ticket.facts) if updated.get(k) != ticket.facts.get(k))
        ticket.facts = updated
        ticket.save(update_fields=["facts", "updated_at"])
        ticket_event_record(ticket=ticket, kind=TicketEventKind.FACTS, actor=actor, data={"new": ", ".join(changed)})
    return ticket


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: Any) -> Ticket:
    """Move a duplicate's messages into another ticket of the same customer and close it."""
    if source.pk == target.pk:
        raise ServiceError(_("A ticket cannot be merged into itself."), field="target")
    # Lock both rows (in id order, like every multi-ticket lock) and check them as they are now.
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    ensure_can_work(actor, source)
    ensure_can_work(actor, target)
    if source.customer_id != target.customer_id:
        raise ServiceError(_("Only tickets of the same customer can be merged."), field="target")
    if source.status == Status.CLOSED or source.merged_into_id:
        raise ServiceError(_("This ticket is closed or already merged."), field="target")
    if target.status == Status.CLOSED or target.merged_into_id:
        raise ServiceError(_("The target ticket is closed."), field="target")
    moved = source.messages.update(ticket=target)
    source.attachments.update(ticket=target)
    append_search_text(target, source.search_text)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    # Closed through the one status path: its event, its SLA clocks and its signal, by the merging agent.
    change_statuses([source], Status.CLOSED, actor)
    ticket_event_record(ticket=source, kind=TicketEventKind.MERGED_INTO, actor=actor, data={"new": target.reference})
    ticket_event_record(
        ticket=target, kind=TicketEventKind.MERGED_FROM, actor=actor, data={"old": source.reference, "new": f"{moved}"}
    )
    return target


def tickets_close_solved(*, now: datetime | None = None, limit: int = 500) -> int:
    """Close tickets solved more than seven days ago. Safe to run on several workers at once."""
    now = now or timezone.now()
    closed = 0
    with transaction.atomic():
        due = (
            Ticket.objects.select_for_update(skip_locked=True)
            .filter(status=Status.SOLVED, solved_at__lte=now - AUTO_CLOSE_AFTER)
            .order_by("solved_at")[:limit]
        )
        for ticket in due:
            change_statuses([ticket], Status.CLOSED, None)
            closed += 1
    return closed
