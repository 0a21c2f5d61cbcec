"""Tags on tickets: admins keep a managed list, agents add free tags as they work."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from helpdesk.pagecache import data_changed

from ..history import TicketEventKind
from ..models import Tag, Ticket, TicketTag
from ._common import ensure_can_work, record_event

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
def ticket_change_tags(*, ticket: Ticket, actor: Any, add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[str]:
    """Add and remove tags by name; one event lists what changed. Returns the ticket's tags."""
    ensure_can_work(actor, ticket)
    current = {t.name.lower(): t for t in Tag.objects.filter(ticket_tags__ticket=ticket)}
    adding = [tag_get_or_create(n) for n in add]
    # a tag both removed and added stays
    removing = {clean_tag_name(n).lower() for n in remove} & set(current) - {t.name.lower() for t in adding}
    adding = [t for t in {t.pk: t for t in adding}.values() if t.name.lower() not in current]
    if len(current) - len(removing) + len(adding) > MAX_TAGS_PER_TICKET:
        raise ServiceError(_("A ticket has at most %(count)d tags.") % {"count": MAX_TAGS_PER_TICKET}, field="tags")
    if removing:
        TicketTag.objects.filter(ticket=ticket, tag__in=[current[n] for n in removing]).delete()
    added_by = actor if getattr(actor, "is_authenticated", False) else None
    TicketTag.objects.bulk_create(
        [TicketTag(ticket=ticket, tag=t, added_by=added_by) for t in adding], ignore_conflicts=True
    )
    if removing or adding:
        old = ", ".join(sorted((current[n].name for n in removing), key=str.lower))
        new = ", ".join(sorted((t.name for t in adding), key=str.lower))
        record_event(ticket, actor, TicketEventKind.TAGS, old, new)
        data_changed()  # queues filtered by tag show it at once
    kept = [t.name for n, t in current.items() if n not in removing]
    return sorted([*kept, *(t.name for t in adding)], key=str.lower)
