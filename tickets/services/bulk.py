"""Bulk actions on the queue: one change applied to many tickets, each checked by its own service.

Every ticket goes through the same service a single change uses (its permission check, its event,
its SLA clocks and signals). Tickets are read in batches of BATCH_SIZE with one locking query (related
rows joined, tags prefetched); assignments, statuses, priorities, categories, teams and tags have batch forms
of their services (the single-ticket service is the batch form with one ticket, so there is one write
path), which check each ticket and write the accepted ones together: one UPDATE, one INSERT of events,
the SLA clocks read and written once. A batch costs a fixed number of queries whatever its size; a
refused ticket is left as it was and named with why. Macros (a reply is a message and an email per
ticket) and merges go ticket by ticket, each in its own savepoint.

The values each action touched are kept, before and after, on a BulkAction row; `bulk_undo`
(services/bulk_undo.py) puts them back through the same services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import NotAllowed, ServiceError

from ..models import (
    BulkAction,
    BulkKind,
    Category,
    Priority,
    Status,
    Team,
    Ticket,
    TicketTag,
    format_reference,
    parse_reference,
)
from .macros import macro_apply, macros_visible_to
from .status import ticket_set_status, tickets_set_status
from .tags import clean_tag_name, ticket_change_tags, tickets_change_tags
from .tickets import (
    ticket_assign,
    ticket_merge,
    ticket_set_category,
    ticket_set_priority,
    ticket_set_team,
    tickets_assign,
    tickets_set_category,
    tickets_set_priority,
    tickets_set_team,
)

BATCH_SIZE = 200
_TAGS = Prefetch("ticket_tags", queryset=TicketTag.objects.select_related("tag"))

# The values of a ticket that each action may change, as kept for undo.
TOUCHED: dict[str, tuple[str, ...]] = {
    BulkKind.ASSIGN: ("assignee",),
    BulkKind.STATUS: ("status",),
    BulkKind.PRIORITY: ("priority",),
    BulkKind.CATEGORY: ("category",),
    BulkKind.TEAM: ("team", "assignee"),
    BulkKind.MERGE: (),
    BulkKind.MACRO: ("status", "priority", "category", "assignee", "team", "tags", "facts"),
    BulkKind.TAG_ADD: ("tags",),
    BulkKind.TAG_REMOVE: ("tags",),
}


@dataclass
class BulkOutcome:
    """What a bulk action (or its undo) did: references changed, already as asked, and refused with why."""

    action: BulkAction | None = None
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def locked_batches(ids: list[int], *, with_tags: bool = True) -> Iterator[list[Ticket]]:
    """The tickets, BATCH_SIZE at a time in id order (the order every multi-ticket lock takes), each
    batch read and locked in one query with what the services need (and their tags, in one more)."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), BATCH_SIZE):
        chunk = ordered[start : start + BATCH_SIZE]
        tickets: QuerySet[Ticket] = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("customer", "order", "category", "assignee__agent_profile", "team")
            .defer("search_text", "search_vector")
            .filter(pk__in=chunk)
            .order_by("pk")
        )
        if with_tags:
            tickets = tickets.prefetch_related(_TAGS)
        found = {t.pk: t for t in tickets}
        yield [found[pk] for pk in chunk if pk in found]


def snapshot(ticket: Ticket, names: Iterable[str], tags: list[str] | None = None) -> dict[str, Any]:
    """The ticket's values named, as JSON: ids for related rows, tag names sorted (any case)."""
    values: dict[str, Any] = {}
    for name in names:
        if name == "tags":
            if tags is None:
                tags = [tt.tag.name for tt in ticket.ticket_tags.all()]
            values[name] = sorted(tags, key=str.lower)
        elif name in ("assignee", "category", "team"):
            values[name] = getattr(ticket, f"{name}_id")
        else:
            values[name] = getattr(ticket, name)
    return values


def current_snapshots(ids: list[int], names: Iterable[str]) -> dict[int, dict[str, Any]]:
    """The values of many tickets as they are now (read, not locked): two queries a batch."""
    names = tuple(names)
    result: dict[int, dict[str, Any]] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), BATCH_SIZE):
        tickets = Ticket.objects.only("pk", "status", "priority", "category", "assignee", "team", "facts").filter(
            pk__in=ordered[start : start + BATCH_SIZE]
        )
        if "tags" in names:
            tickets = tickets.prefetch_related(_TAGS)
        result.update({t.pk: snapshot(t, names) for t in tickets})
    return result


@dataclass(frozen=True)
class Prepared:
    """An action ready to run: `run(ticket)` calls the ticket's service; where the service has a batch
    form (assignments, tags), `run_batch(tickets)` calls it once a batch and returns the refusals."""

    kind: str
    value: str
    label: str
    run: Callable[[Ticket], Any]
    run_batch: Callable[[list[Ticket]], dict[int, ServiceError]] | None = None


def _assignee(actor: Any, value: str) -> tuple[Any, str]:
    if value == "me":
        return actor, _("Assign to me")
    if value in ("", "nobody"):
        return None, _("Unassign")
    user = get_user_model().objects.select_related("agent_profile").filter(pk=value if value.isdigit() else 0).first()
    if user is None:
        raise ServiceError(_("Choose an agent."), field="value")
    return user, _("Assign to %(name)s") % {"name": user.get_full_name() or user.get_username()}


def prepare(*, kind: str, value: str, actor: Any) -> Prepared:
    """Check the action and its value once, before any ticket; a bad value refuses the whole action."""
    value = (value or "").strip()
    if kind == BulkKind.ASSIGN:
        assignee, label = _assignee(actor, value)
        return Prepared(
            kind,
            value,
            label,
            lambda t: ticket_assign(ticket=t, assignee=assignee, actor=actor),
            lambda batch: tickets_assign(tickets=batch, assignee=assignee, actor=actor),
        )
    if kind == BulkKind.STATUS:
        if value not in (Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED):
            raise ServiceError(_("Choose a status."), field="value")
        label = _("Set status to %(value)s") % {"value": Status(value).label}
        return Prepared(
            kind,
            value,
            label,
            lambda t: ticket_set_status(ticket=t, status=value, actor=actor),
            lambda batch: tickets_set_status(tickets=batch, status=value, actor=actor),
        )
    if kind == BulkKind.PRIORITY:
        if not value.isdigit() or int(value) not in Priority.values:
            raise ServiceError(_("Choose a priority."), field="value")
        priority = int(value)
        label = _("Set priority to %(value)s") % {"value": Priority(priority).label}
        return Prepared(
            kind,
            value,
            label,
            lambda t: ticket_set_priority(ticket=t, priority=priority, actor=actor),
            lambda batch: tickets_set_priority(tickets=batch, priority=priority, actor=actor),
        )
    if kind == BulkKind.CATEGORY:
        category = Category.objects.filter(pk=value if value.isdigit() else 0, is_active=True).first()
        if category is None:
            raise ServiceError(_("Choose a category."), field="value")
        label = _("Set category to %(value)s") % {"value": category.name}
        return Prepared(
            kind,
            value,
            label,
            lambda t: ticket_set_category(ticket=t, category=category, actor=actor),
            lambda batch: tickets_set_category(tickets=batch, category=category, actor=actor),
        )
    if kind == BulkKind.TEAM:
        team = Team.objects.filter(pk=value if value.isdigit() else 0).first()
        if team is None:
            raise ServiceError(_("Choose a team."), field="value")
        label = _("Move to team %(value)s") % {"value": team.name}
        return Prepared(
            kind,
            value,
            label,
            lambda t: ticket_set_team(ticket=t, team=team, actor=actor),
            lambda batch: tickets_set_team(tickets=batch, team=team, actor=actor),
        )
    if kind == BulkKind.MACRO:
        macro = macros_visible_to(actor).filter(pk=value if value.isdigit() else 0).first()
        if macro is None:
            raise ServiceError(_("Choose a macro."), field="value")
        label = _("Apply macro %(value)s") % {"value": macro.name}
        return Prepared(kind, value, label, lambda t: macro_apply(ticket=t, macro=macro, actor=actor))
    if kind in (BulkKind.TAG_ADD, BulkKind.TAG_REMOVE):
        name = clean_tag_name(value)
        change = {"add": [name]} if kind == BulkKind.TAG_ADD else {"remove": [name]}
        if kind == BulkKind.TAG_ADD:
            label = _("Add tag %(value)s") % {"value": name}
        else:
            label = _("Remove tag %(value)s") % {"value": name}
        return Prepared(
            kind,
            name,
            label,
            lambda t: ticket_change_tags(ticket=t, actor=actor, **change),
            lambda batch: tickets_change_tags(tickets=batch, actor=actor, **change)[1],
        )
    raise ServiceError(_("Choose an action."), field="kind")


def _refusal(error: ServiceError) -> str:
    return error.message


@transaction.atomic
def bulk_apply(*, actor: Any, ticket_ids: list[int], kind: str, value: str = "") -> BulkOutcome:
    """Apply one action to each ticket (at most BULK_MAX_TICKETS) and keep what changed for undo."""
    if not roles.is_agent(actor):
        raise NotAllowed(_("You are not allowed to do this."))
    ids = sorted(set(ticket_ids))
    if not ids:
        raise ServiceError(_("Select at least one ticket."), field="tickets")
    if len(ids) > settings.BULK_MAX_TICKETS:
        raise ServiceError(
            _("At most %(count)d tickets at once.") % {"count": settings.BULK_MAX_TICKETS}, field="tickets"
        )
    if kind == BulkKind.MERGE:
        return _bulk_merge(actor=actor, ids=ids, value=value)
    prepared = prepare(kind=kind, value=value, actor=actor)
    names = TOUCHED[kind]
    outcome = BulkOutcome()
    changes: dict[str, dict[str, Any]] = {}
    done: list[int] = []
    befores: dict[int, dict[str, Any]] = {}
    seen: set[int] = set()
    for batch in locked_batches(ids, with_tags="tags" in names):
        for ticket in batch:
            seen.add(ticket.pk)
            befores[ticket.pk] = snapshot(ticket, names)
        if prepared.run_batch is not None:  # checked per ticket, written once for the batch
            refusals = prepared.run_batch(batch)
        else:
            refusals = {}
            for ticket in batch:
                try:
                    prepared.run(ticket)  # atomic: its savepoint undoes a refused ticket, and only it
                except ServiceError as error:
                    refusals[ticket.pk] = error
        for ticket in batch:
            if ticket.pk in refusals:
                outcome.refused.append((ticket.reference, _refusal(refusals[ticket.pk])))
            else:
                done.append(ticket.pk)
    outcome.refused.extend((format_reference(pk), _("Ticket not found.")) for pk in ids if pk not in seen)
    afters = current_snapshots(done, names)
    for pk in done:
        before, after = befores[pk], afters.get(pk, {})
        if before == after and kind != BulkKind.MACRO:
            outcome.unchanged.append(format_reference(pk))
            continue
        changes[str(pk)] = {"before": before, "after": after}
        outcome.changed.append(format_reference(pk))
    outcome.action = BulkAction.objects.create(
        actor=actor,
        kind=kind,
        value=prepared.value,
        label=prepared.label,
        selected=len(ids),
        changes=changes,
        refused=outcome.refused,
    )
    return outcome


def _bulk_merge(*, actor: Any, ids: list[int], value: str) -> BulkOutcome:
    """Merge the selected tickets into one: the reference given, else the oldest selected."""
    target_pk = parse_reference(value) if value else ids[0]
    if target_pk is None:
        raise ServiceError(_("Enter a ticket reference such as HD-000123."), field="value")
    target = Ticket.objects.filter(pk=target_pk).first()
    if target is None:
        raise ServiceError(_("Ticket not found."), field="value")
    outcome = BulkOutcome()
    sources = [pk for pk in ids if pk != target.pk]
    if not sources:
        raise ServiceError(_("Select at least two tickets to merge."), field="tickets")
    found = {t.pk: t for t in Ticket.objects.defer("search_text", "search_vector").filter(pk__in=sources)}
    merged: list[int] = []
    for pk in sources:
        source = found.get(pk)
        if source is None:
            outcome.refused.append((format_reference(pk), _("Ticket not found.")))
            continue
        try:
            ticket_merge(source=source, target=target, actor=actor)  # atomic, as every service
        except ServiceError as error:
            outcome.refused.append((source.reference, _refusal(error)))
        else:
            outcome.changed.append(source.reference)
            merged.append(pk)
    label = _("Merge into %(reference)s") % {"reference": target.reference}
    outcome.action = BulkAction.objects.create(
        actor=actor,
        kind=BulkKind.MERGE,
        value=target.reference,
        label=label,
        selected=len(ids),
        changes={str(pk): {} for pk in merged},  # for the summary; a merge is not undone
        refused=outcome.refused,
    )
    return outcome
