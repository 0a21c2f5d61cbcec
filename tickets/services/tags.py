"""Tags on tickets: admins keep a managed list, agents add free tags as they work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError

from ..history import EventToRecord, TicketEventKind, ticket_events_record
from ..models import Tag, Ticket, TicketTag
from ._common import ensure_can_work

MAX_TAGS_PER_TICKET = 20


def clean_tag_name(name: str) -> str:
    name = " ".join(str(name or "").split()).strip("#,")
    if not name:
        raise ServiceError(_("A tag needs a name."), field="tags")
    if len(name) > 50:
        raise ServiceError(_("A tag has at most 50 characters."), field="tags")
    return name


def tag_get_or_create(name: str) -> Tag:
    """The tag of this name (any case); a new one is a free tag, unless only admins' tags are allowed."""
    name = clean_tag_name(name)
    existing = Tag.objects.filter(name__iexact=name).first()
    if settings.TAGS_ADMIN_MANAGED_ONLY and (existing is None or not existing.managed):
        raise ServiceError(_("Only the tags an admin keeps may be used: %(name)s.") % {"name": name}, field="tags")
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name, managed=False)
    except IntegrityError:  # added meanwhile by another agent
        return Tag.objects.get(name__iexact=name)


@transaction.atomic
def tickets_change_tags(
    *, tickets: Sequence[Ticket], actor: Any, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> tuple[dict[int, list[str]], dict[int, ServiceError]]:
    """Add and remove tags by name on tickets, one event per ticket listing what changed: each ticket
    checked in Python, the rows written with one DELETE, one INSERT of tags and one of events,
    however many tickets. The one write path of tags (ticket_change_tags is this with one ticket).
    Returns each accepted ticket's tags, and the refusals by ticket id."""
    refused: dict[int, ServiceError] = {}
    accepted = []
    for ticket in tickets:
        try:
            ensure_can_work(actor, ticket)
        except ServiceError as error:
            refused[ticket.pk] = error
        else:
            accepted.append(ticket)
    if not accepted:
        return {}, refused
    wanted = [tag_get_or_create(n) for n in add]
    wanted_names = {t.name.lower() for t in wanted}
    removed_names = {clean_tag_name(n).lower() for n in remove} - wanted_names  # removed and added: stays
    current: dict[int, dict[str, TicketTag]] = defaultdict(dict)
    for row in TicketTag.objects.filter(ticket_id__in=[t.pk for t in accepted]).select_related("tag"):
        current[row.ticket_id][row.tag.name.lower()] = row
    added_by = actor if getattr(actor, "is_authenticated", False) else None
    result: dict[int, list[str]] = {}
    deleting: list[int] = []
    inserting: list[TicketTag] = []
    events: list[EventToRecord] = []
    for ticket in accepted:
        has = current[ticket.pk]
        removing = removed_names & set(has)
        adding = [t for t in {t.pk: t for t in wanted}.values() if t.name.lower() not in has]
        if len(has) - len(removing) + len(adding) > MAX_TAGS_PER_TICKET:
            refused[ticket.pk] = ServiceError(
                _("A ticket has at most %(count)d tags.") % {"count": MAX_TAGS_PER_TICKET}, field="tags"
            )
            continue
        deleting += [has[n].pk for n in removing]
        inserting += [TicketTag(ticket=ticket, tag=t, added_by=added_by) for t in adding]
        if removing or adding:
            old = ", ".join(sorted((has[n].tag.name for n in removing), key=str.lower))
            new = ", ".join(sorted((t.name for t in adding), key=str.lower))
            events.append((ticket.pk, TicketEventKind.TAGS, old, new))
        kept = [row.tag.name for n, row in has.items() if n not in removing]
        result[ticket.pk] = sorted([*kept, *(t.name for t in adding)], key=str.lower)
    if deleting:
        TicketTag.objects.filter(pk__in=deleting).delete()
    TicketTag.objects.bulk_create(inserting, ignore_conflicts=True)
    if events:
        ticket_events_record(events, actor=actor)
    return result, refused


@transaction.atomic
def ticket_change_tags(*, ticket: Ticket, actor: Any, add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[str]:
    """Add and remove tags by name; one event lists what changed. Returns the ticket's tags."""
    result, refused = tickets_change_tags(tickets=[ticket], actor=actor, add=add, remove=remove)
    if ticket.pk in refused:
        raise refused[ticket.pk]
    return result[ticket.pk]
