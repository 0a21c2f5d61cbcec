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
from helpdesk.errors import NotFound

from ..history import TicketEventKind
from ..models import AssigneeAction, Macro, MacroUse, Status, Ticket
from ..placeholders import fill_placeholders, placeholder_values
from ._common import ensure_can_work, record_event
from .messages import message_add_reply
from .tags import ticket_change_tags
from .tickets import (
    ticket_assign,
    ticket_record_facts,
    ticket_set_category,
    ticket_set_priority,
    ticket_set_status,
)


@dataclass
class MacroResult:
    ticket: Ticket
    changed: list[str] = field(default_factory=list)  # what the macro did, as people read it


def macros_visible_to(actor: Any) -> QuerySet[Macro]:
    """The actor's own macros, those shared with their team and those shared with everyone."""
    team_id = getattr(getattr(actor, "agent_profile", None), "team_id", None)
    shared = Q(owner__isnull=True) & (Q(team__isnull=True) | Q(team_id=team_id))
    return Macro.objects.filter(Q(owner_id=actor.pk) | shared).order_by("name")


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
    record_event(ticket, actor, TicketEventKind.MACRO, "", macro.name)
    MacroUse.objects.create(macro=macro, ticket=ticket, actor=actor if roles.is_agent(actor) else None)
    Macro.objects.filter(pk=macro.pk).update(uses=F("uses") + 1)
    return result
