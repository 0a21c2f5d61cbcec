"""A ticket's status: the one write path of every status change (an agent's, the customer's, a sweep's,
a bulk action's), for one ticket or a batch at a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import Conflict, ServiceError

from .. import signals
from ..history import TicketEventKind, ticket_event_record, ticket_events_record
from ..models import Attachment, CategoryField, FactType, Status, Ticket
from ._common import ensure_can_work, only_ticket
from .sla import sla_statuses_changed

_AGENT_SETTABLE = {Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED}


def missing_facts_many(
    tickets: Sequence[Ticket], fields: Sequence[CategoryField] | None = None
) -> dict[int, list[CategoryField]]:
    """The required facts of each ticket's category still not captured, by ticket id: one query for the
    fields (none when the caller has read them) and, when a category asks for a photo,
    one for the tickets that have one."""
    categories = {t.category_id for t in tickets if t.category_id is not None}
    if fields is None:
        fields = CategoryField.objects.filter(category_id__in=categories, required=True).order_by("pk")
    required: dict[int, list[CategoryField]] = defaultdict(list)
    for field in fields:
        if field.required and field.category_id in categories:
            required[field.category_id].append(field)
    with_image: set[int] = set()
    if any(f.field_type == FactType.IMAGE for fields in required.values() for f in fields):
        asking = [t.pk for t in tickets if any(f.field_type == FactType.IMAGE for f in required[t.category_id or 0])]
        with_image = set(
            Attachment.objects.filter(ticket_id__in=asking, content_type__startswith="image/").values_list(
                "ticket_id", flat=True
            )
        )
    missing: dict[int, list[CategoryField]] = {}
    for ticket in tickets:
        missing[ticket.pk] = [
            field
            for field in required.get(ticket.category_id or 0, [])
            if (ticket.pk not in with_image if field.field_type == FactType.IMAGE else not ticket.facts.get(field.key))
        ]
    return missing


def missing_facts(ticket: Ticket, fields: Sequence[CategoryField] | None = None) -> list[CategoryField]:
    """The required facts of the ticket's category that are still not captured (`fields`: its category's
    fields, when already read)."""
    return missing_facts_many([ticket], fields)[ticket.pk]


def change_statuses(tickets: Sequence[Ticket], new: str, actor: Any) -> None:
    """Move the tickets to `new` (those already there are left alone): their rows, events, SLA clocks and
    the signal other apps listen to. Compare-and-set on the old status: a concurrent change of one of
    them makes the whole change fail loudly."""
    changing = [t for t in tickets if t.status != new]
    if not changing:
        return
    now = timezone.now()
    by_old: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in changing:
        by_old[ticket.status].append(ticket)
    for old, group in by_old.items():
        values: dict[str, Any] = {"status": new, "updated_at": now}
        if new == Status.SOLVED:
            values["solved_at"] = now
        elif new == Status.CLOSED:
            values["closed_at"] = now
        elif old == Status.SOLVED:
            values["solved_at"] = None
        if Ticket.objects.filter(pk__in=[t.pk for t in group], status=old).update(**values) != len(group):
            raise Conflict(_("The ticket was changed meanwhile. Reload it and try again."))
        for ticket in group:
            for name, value in values.items():
                setattr(ticket, name, value)
    olds = {ticket.pk: old for old, group in by_old.items() for ticket in group}
    if len(changing) == 1:
        ticket_event_record(
            ticket=changing[0], kind=TicketEventKind.STATUS, actor=actor, data={"old": olds[changing[0].pk], "new": new}
        )
    else:
        ticket_events_record(
            [(t.pk, TicketEventKind.STATUS, olds[t.pk], new) for t in changing], created=now, actor=actor
        )
    sla_statuses_changed(tickets=changing, new=new, at=now)
    for ticket in changing:
        signals.ticket_status_changed.send(sender=Ticket, ticket=ticket, actor=actor, old=olds[ticket.pk], new=new)


def _status_refusal(ticket: Ticket, status: str, actor: Any, missing: list[CategoryField]) -> ServiceError | None:
    try:
        ensure_can_work(actor, ticket)
    except ServiceError as error:
        return error
    if ticket.status == Status.CLOSED:
        return ServiceError(_("A closed ticket cannot change; the customer's next message opens a follow-up."))
    if ticket.merged_into_id is not None:
        return ServiceError(_("This ticket was merged into another one."))
    if status == Status.CLOSED and ticket.status != Status.SOLVED:
        return ServiceError(_("Only a solved ticket can be closed."), field="status")
    if status == Status.SOLVED and missing:
        return ServiceError(
            _("Cannot solve: these facts are missing: %(facts)s.")
            % {"facts": ", ".join(str(f.label) for f in missing)},
            field="status",
        )
    return None


@transaction.atomic
def tickets_set_status(*, tickets: Sequence[Ticket], status: str, actor: Any) -> dict[int, ServiceError]:
    """An agent sets the status of tickets: each checked, those accepted changed together. Returns the
    refusals by ticket id; the tickets given are updated in place."""
    if status not in _AGENT_SETTABLE:
        raise ServiceError(_("This status cannot be set by hand."), field="status")
    missing = missing_facts_many(tickets) if status == Status.SOLVED else {}
    refused: dict[int, ServiceError] = {}
    for ticket in tickets:
        error = _status_refusal(ticket, status, actor, missing.get(ticket.pk, []))
        if error is not None:
            refused[ticket.pk] = error
    change_statuses([t for t in tickets if t.pk not in refused], status, actor)
    return refused


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, status: str, actor: Any) -> Ticket:
    return only_ticket(ticket, tickets_set_status(tickets=[ticket], status=status, actor=actor))


@transaction.atomic
def ticket_close_by_customer(*, ticket: Ticket) -> Ticket:
    """The customer no longer needs their request (from their requests page): closed as it stands,
    without the facts an agent's solving needs; writing again opens a follow-up."""
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    if ticket.status == Status.CLOSED or ticket.merged_into_id is not None:
        raise ServiceError(_("This request is already closed."))
    change_statuses([ticket], Status.CLOSED, None)
    return ticket


@transaction.atomic
def ticket_restore_status(*, ticket: Ticket, status: str, actor: Any) -> Ticket:
    """Put back the status an agent's bulk action changed: as ticket_set_status, and `new` too
    (a ticket nobody had looked at goes back to being new)."""
    if status != Status.NEW:
        return ticket_set_status(ticket=ticket, status=status, actor=actor)
    ensure_can_work(actor, ticket)
    if ticket.status == Status.CLOSED or ticket.merged_into_id is not None:
        raise ServiceError(_("A closed ticket cannot change; the customer's next message opens a follow-up."))
    change_statuses([ticket], status, actor)
    return ticket


def ticket_mark_opened(ticket: Ticket, actor: Any) -> None:
    """Status after an agent's or customer's activity: new/pending become open, solved reopens."""
    if ticket.status in (Status.NEW, Status.PENDING, Status.SOLVED):
        change_statuses([ticket], Status.OPEN, actor)


def ticket_mark_pending(ticket: Ticket, actor: Any) -> None:
    if ticket.status in (Status.NEW, Status.OPEN):
        change_statuses([ticket], Status.PENDING, actor)
