"""Macros: named sets of changes an agent applies to a ticket at once. Each change goes through its
own service (its permission check, its event); the macro adds one event naming itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import NotAllowed, NotFound, ServiceError

from ..history import TicketEventKind, ticket_event_record
from ..models import AssigneeAction, Category, CategoryField, Macro, MacroUse, Status, Ticket
from ..placeholders import fill_placeholders, placeholder_values
from ._common import ensure_can_work
from .replies import message_add_reply
from .status import ticket_set_status
from .tags import tag_get_or_create, ticket_change_tags
from .tickets import (
    ticket_assign,
    ticket_record_facts,
    ticket_set_category,
    ticket_set_priority,
)


@dataclass
class MacroResult:
    ticket: Ticket
    changed: list[str] = field(default_factory=list)  # what the macro did, as people read it


def macros_visible_to(actor: Any) -> QuerySet[Macro]:
    """The actor's own macros, those shared with their team and those shared with everyone."""
    return macros_of(actor.pk, getattr(getattr(actor, "agent_profile", None), "team_id", None))


def macros_of(user_id: int, team_id: int | None) -> QuerySet[Macro]:
    """The macros a user of this team (None: of no team) may use, by name."""
    shared = Q(owner__isnull=True) & (Q(team__isnull=True) | Q(team_id=team_id))
    return Macro.objects.filter(Q(owner_id=user_id) | shared).order_by("name")


def reply_text(macro: Macro, ticket: Ticket, actor: Any) -> str:
    """The macro's reply in the ticket's language (English where untranslated), placeholders filled."""
    with translation.override(ticket.language):
        text = macro.reply or ""
    return fill_placeholders(text, placeholder_values(ticket, actor)).strip()


@transaction.atomic
def macro_apply(*, ticket: Ticket, macro: Macro, actor: Any) -> MacroResult:
    """Apply the macro: category, facts, tags, priority, assignee, then the reply, then the status
    (so a macro that answers and solves checks the facts it has just recorded)."""
    ensure_can_work(actor, ticket)
    if not macros_visible_to(actor).filter(pk=macro.pk).exists():
        raise NotFound(_("Macro not found."))
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("customer", "order").get(pk=ticket.pk)
    result = MacroResult(ticket=ticket)
    if macro.category_id and macro.category_id != ticket.category_id:
        ticket_set_category(ticket=ticket, category=macro.category, actor=actor)
        result.changed.append(_("category"))
    if macro.facts:
        ticket_record_facts(ticket=ticket, facts=macro.facts, actor=actor)
        result.changed.append(_("facts"))
    tag_names = list(macro.tags.values_list("name", flat=True))
    if tag_names:
        ticket_change_tags(ticket=ticket, actor=actor, add=tag_names)
        result.changed.append(_("tags"))
    if macro.priority is not None and macro.priority != ticket.priority:
        ticket_set_priority(ticket=ticket, priority=macro.priority, actor=actor)
        result.changed.append(_("priority"))
    if macro.assignee == AssigneeAction.ME and ticket.assignee_id != actor.pk:
        ticket_assign(ticket=ticket, assignee=actor, actor=actor)
        result.changed.append(_("assignee"))
    elif macro.assignee == AssigneeAction.NOBODY and ticket.assignee_id is not None:
        ticket_assign(ticket=ticket, assignee=None, actor=actor)
        result.changed.append(_("assignee"))
    text = reply_text(macro, ticket, actor)
    if text:
        message_add_reply(ticket=ticket, author=actor, body=text, set_pending=macro.status == Status.PENDING)
        result.changed.append(_("reply"))
    if macro.status and macro.status != ticket.status:
        ticket_set_status(ticket=ticket, status=macro.status, actor=actor)
        result.changed.append(_("status"))
    ticket_event_record(ticket=ticket, kind=TicketEventKind.MACRO, actor=actor, data={"new": macro.name})
    MacroUse.objects.create(macro=macro, ticket=ticket, actor=actor if roles.is_agent(actor) else None)
    Macro.objects.filter(pk=macro.pk).update(uses=F("uses") + 1)
    return result


# --- Keeping macros: an agent their own, a supervisor those shared with their team (admins keep the
# macros shared with everyone in the admin).


def _team_id(actor: Any) -> int | None:
    return getattr(getattr(actor, "agent_profile", None), "team_id", None)


def macros_editable_by(actor: Any) -> QuerySet[Macro]:
    """The agent's own macros and, for a supervisor, those shared with their team."""
    editable = Q(owner_id=actor.pk)
    team_id = _team_id(actor)
    if roles.is_supervisor(actor) and team_id is not None:
        editable |= Q(owner__isnull=True, team_id=team_id)
    return Macro.objects.filter(editable).order_by("name")


def _ensure_may_keep(actor: Any, *, shared: bool) -> None:
    if not roles.is_agent(actor):
        raise NotAllowed(_("You are not allowed to do this."))
    if shared and (not roles.is_supervisor(actor) or _team_id(actor) is None):
        raise NotAllowed(_("Only a team's supervisor shares macros with the team."))


def _check_facts(category: Category | None, facts: dict[str, Any]) -> None:
    if not facts:
        return
    if category is None:
        raise ServiceError(_("Facts need a category: choose the category they belong to."), field="facts")
    keys = set(CategoryField.objects.filter(category=category).values_list("key", flat=True))
    unknown = sorted(set(facts) - keys)
    if unknown:
        raise ServiceError(
            _("Not facts of this category: %(keys)s.") % {"keys": ", ".join(unknown)},
            field="facts",
        )


@transaction.atomic
def macro_save(
    *,
    actor: Any,
    macro: Macro | None = None,
    shared: bool,
    fields: dict[str, Any],
    tag_names: list[str],
) -> Macro:
    """Create or change a macro: the actor's own, or (a supervisor) one shared with their team.
    `fields` are the model's own (name, reply_<language>, status, priority, category, assignee, facts)."""
    _ensure_may_keep(actor, shared=shared)
    if macro is not None and not macros_editable_by(actor).filter(pk=macro.pk).exists():
        raise NotFound(_("Macro not found."))
    _check_facts(fields.get("category"), fields.get("facts") or {})
    macro = macro or Macro()
    for name, value in fields.items():
        setattr(macro, name, value)
    macro.owner = None if shared else actor
    macro.team_id = _team_id(actor) if shared else None
    macro.save()
    macro.tags.set([tag_get_or_create(n) for n in tag_names])
    return macro


@transaction.atomic
def macro_delete(*, actor: Any, macro: Macro) -> None:
    if not macros_editable_by(actor).filter(pk=macro.pk).exists():
        raise NotFound(_("Macro not found."))
    macro.delete()
