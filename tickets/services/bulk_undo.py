"""Undo of an agent's last bulk action, within BULK_UNDO_MINUTES: each ticket's previous values put
back through the same services (their checks, their events). A ticket whose values are no longer
those the action left (someone changed it since) is left as it is and listed with the reason.
A merge is not undone, and a macro's reply, once sent, stays sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.errors import NotFound, ServiceError

from ..models import BulkAction, BulkKind, Category, Status, Team, Ticket
from .bulk import TOUCHED, BulkOutcome, locked_batches, snapshot
from .status import ticket_restore_status
from .tags import ticket_change_tags
from .tickets import (
    ticket_assign,
    ticket_record_facts,
    ticket_set_category,
    ticket_set_priority,
    ticket_set_team,
)

FIELD_LABELS = {
    "status": gettext_lazy("status"),
    "priority": gettext_lazy("priority"),
    "category": gettext_lazy("category"),
    "assignee": gettext_lazy("assignee"),
    "team": gettext_lazy("team"),
    "tags": gettext_lazy("tags"),
    "facts": gettext_lazy("facts"),
}


def bulk_undo_window() -> timedelta:
    return timedelta(minutes=settings.BULK_UNDO_MINUTES)


def last_undoable(actor: Any) -> BulkAction | None:
    """The actor's last bulk action, if it can still be undone."""
    last = BulkAction.objects.filter(actor_id=actor.pk).order_by("-created_at", "-pk").first()
    if last is None or last.undone_at is not None or last.kind == BulkKind.MERGE or not last.changes:
        return None
    if timezone.now() - last.created_at > bulk_undo_window():
        return None
    return last


def _described(name: str, value: Any) -> str:
    if name == "status":
        return str(Status(value).label) if value in Status.values else str(value)
    if name == "tags":
        return ", ".join(value) or "—"
    return "" if value is None else str(value)


class _Related:
    """The people, categories and teams the previous values name, read once for the whole undo."""

    def __init__(self, befores: list[dict[str, Any]]) -> None:
        def ids(name: str) -> set[int]:
            return {b[name] for b in befores if b.get(name)}

        users = get_user_model().objects.select_related("agent_profile")
        self.users = users.in_bulk(ids("assignee"))
        self.categories = Category.objects.in_bulk(ids("category"))
        self.teams = Team.objects.in_bulk(ids("team"))


def _restore(
    ticket: Ticket, before: dict[str, Any], now: dict[str, Any], actor: Any, related: _Related, *, answered: bool
) -> None:
    """Put back each value that differs, the status first (a solved ticket reopens before other
    changes) and the category last (the facts put back belong to the category the action left).
    A ticket that was new and has been answered (a macro's reply) goes back to open, not new."""
    status = before.get("status")
    if answered and status == Status.NEW:
        status = Status.OPEN
    if status is not None and status != now["status"]:
        ticket_restore_status(ticket=ticket, status=status, actor=actor)
    if "team" in before and before["team"] != now["team"]:
        ticket_set_team(ticket=ticket, team=related.teams[before["team"]], actor=actor)
    if "assignee" in before and before["assignee"] != ticket.assignee_id:
        assignee = related.users.get(before["assignee"]) if before["assignee"] else None
        ticket_assign(ticket=ticket, assignee=assignee, actor=actor)
    if "priority" in before and before["priority"] != now["priority"]:
        ticket_set_priority(ticket=ticket, priority=before["priority"], actor=actor)
    if "tags" in before and before["tags"] != now["tags"]:
        old = {t.lower(): t for t in before["tags"]}
        new = {t.lower(): t for t in now["tags"]}
        add = [old[k] for k in old.keys() - new.keys()]
        remove = [new[k] for k in new.keys() - old.keys()]
        ticket_change_tags(ticket=ticket, actor=actor, add=add, remove=remove)
    if "facts" in before and before["facts"] != now["facts"]:
        keys = set(before["facts"]) | set(now["facts"])
        facts = {k: before["facts"].get(k, "") for k in keys if before["facts"].get(k) != now["facts"].get(k)}
        ticket_record_facts(ticket=ticket, facts=facts, actor=actor)
    if "category" in before and before["category"] != now["category"]:
        category = related.categories.get(before["category"]) if before["category"] else None
        ticket_set_category(ticket=ticket, category=category, actor=actor)


@transaction.atomic
def bulk_undo(*, action_id: int, actor: Any) -> BulkOutcome:
    """Undo the actor's last bulk action: every ticket still as the action left it gets its previous
    values back; the others are listed with the reason."""
    action = BulkAction.objects.select_for_update().filter(pk=action_id, actor_id=actor.pk).first()
    if action is None:
        raise NotFound(_("Bulk action not found."))
    if action.kind == BulkKind.MERGE:
        raise ServiceError(_("A merge cannot be undone."))
    if action.undone_at is not None:
        raise ServiceError(_("This bulk action was already undone."))
    if last_undoable(actor) != action:
        raise ServiceError(
            _("Only your last bulk action can be undone, within %(minutes)d minutes.")
            % {"minutes": settings.BULK_UNDO_MINUTES}
        )
    names = TOUCHED[action.kind]
    changes = {int(pk): change for pk, change in action.changes.items()}
    outcome = BulkOutcome(action=action)
    related = _Related([c["before"] for c in changes.values()])
    for batch in locked_batches(list(changes), with_tags="tags" in names):
        for ticket in batch:
            before, after = changes[ticket.pk]["before"], changes[ticket.pk]["after"]
            now = snapshot(ticket, names)
            differs = [n for n in names if now.get(n) != after.get(n)]
            if differs:
                shown = ", ".join(f"{FIELD_LABELS[n]}: {_described(n, now.get(n))}" for n in differs)
                outcome.refused.append(
                    (ticket.reference, _("Changed since by someone else (%(what)s); left as it is.") % {"what": shown})
                )
                continue
            try:
                with transaction.atomic():  # several services: a refusal undoes them all, for this ticket
                    _restore(ticket, before, now, actor, related, answered=action.kind == BulkKind.MACRO)
            except ServiceError as error:
                outcome.refused.append((ticket.reference, error.message))
            else:
                outcome.changed.append(ticket.reference)
    action.undone_at = timezone.now()
    action.save(update_fields=["undone_at"])
    return outcome
