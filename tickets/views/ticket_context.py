"""What the ticket page and its fragments show, built in pieces so a fragment reads only its own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from helpdesk.fragments import KeyedForm
from helpdesk.prepared import Prepared

from .. import filter_choices, selectors, services, ticket_reads
from ..forms import (
    AssigneeForm,
    CategoryForm,
    FactsForm,
    LanguageForm,
    MergeForm,
    NoteForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
)
from ..history import event_rows
from ..models import Attachment, FactType, Ticket
from ..panels import mark_messages, shown_panels
from .workflow import workflow_context


def thread_context(ticket: Ticket) -> dict[str, Any]:
    return {"thread": mark_messages(ticket_reads.ticket_thread(ticket))}


def summary_context(ticket: Ticket) -> dict[str, Any]:
    return {"ticket": ticket, "now": timezone.now()}


def properties_context(request: HttpRequest, ticket: Ticket, *, error: str = "") -> dict[str, Any]:
    agents = selectors.team_agents(ticket.team_id)
    user = request.user
    names = tuple((agent.pk, agent.get_full_name() or agent.get_username()) for agent in agents)
    outside = ticket.assignee_id and all(pk != ticket.assignee_id for pk, _name in names)  # kept visible
    # Each form is built only when its fragment is rendered afresh: keyed by what it is made from.
    return {
        "status_form": KeyedForm(StatusForm, (ticket.status,), ticket=ticket),
        "assignee_form": KeyedForm(
            AssigneeForm,
            (ticket.assignee_id, names, ticket.assignee.get_username() if outside and ticket.assignee else ""),
            ticket=ticket,
            agents=agents,
        ),
        "priority_form": KeyedForm(PriorityForm, (ticket.priority,), ticket=ticket),
        "category_form": KeyedForm(
            CategoryForm, (ticket.category_id, [tuple(c) for c in filter_choices.categories()]), ticket=ticket
        ),
        "language_form": KeyedForm(LanguageForm, (ticket.language,), ticket=ticket),
        "properties_error": error,
        "can_take": ticket.assignee_id != user.pk and any(a.pk == user.pk for a in agents),
    }


def facts_context(ticket: Ticket, form: FactsForm | None = None, notice: str = "") -> dict[str, Any]:
    fields = ticket_reads.category_fields(ticket.category_id)
    missing = services.missing_facts(ticket, fields) if ticket.category_id else []
    missing_keys = {f.key for f in missing}
    return {
        "facts_form": form or FactsForm(ticket=ticket, fields=fields),
        "missing_facts": missing,
        "image_facts": [
            {"field": f, "satisfied": f.key not in missing_keys} for f in fields if f.field_type == FactType.IMAGE
        ],
        "has_fact_fields": bool(fields),
        "facts_notice": notice,
    }


_ATTACHMENTS = Prepared(
    lambda ticket_id: (
        Attachment.objects.filter(ticket_id=ticket_id).select_related("message").order_by("created_at", "id")
    ),
    ticket_id=int,
)


def attachments_context(ticket: Ticket) -> dict[str, Any]:
    return {"attachments": _ATTACHMENTS.objects(ticket_id=ticket.pk)}


def history_context(ticket: Ticket) -> dict[str, Any]:
    return {"events": event_rows(ticket, ticket_reads.ticket_events(ticket))}


def newest_message_id(thread: list[Any]) -> int | None:
    """The last message the page shows: a reply written on it has seen that far (crossing check)."""
    return max((message.pk for message in thread), default=0)


def reply_context(
    request: HttpRequest, ticket: Ticket, form: ReplyForm | None = None, notice: str = "", seen: int | None = None
) -> dict[str, Any]:
    canned = ticket_reads.canned_replies_for(ticket, request.user)
    if form is not None:  # a refused reply, with the newer messages it crossed, if that was why
        return {
            "reply_form": form,
            "reply_crossed": getattr(form, "crossed", None),
            "canned": canned,
            "reply_notice": notice,
        }
    initial: dict[str, Any] = {"seen": seen}
    chosen = request.GET.get("canned", "")
    if chosen.isdigit():  # the no-JavaScript way of inserting a canned reply
        texts = {str(reply.pk): text for reply, text in canned}
        typed = request.GET.get("reply-body", "").strip()
        initial["body"] = "\n\n".join(t for t in (typed, texts.get(chosen, "")) if t)
    keyed = KeyedForm(ReplyForm, (initial.get("seen"), initial.get("body")), prefix="reply", initial=initial)
    return {"reply_form": keyed, "reply_crossed": None, "canned": canned, "reply_notice": notice}


def note_context(form: NoteForm | None = None, notice: str = "") -> dict[str, Any]:
    return {"note_form": form or KeyedForm(NoteForm, (), prefix="note"), "note_notice": notice}


def ticket_page_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    note_form: NoteForm | None = None,
    properties_error: str = "",
    facts_form: FactsForm | None = None,
    merge_form: MergeForm | None = None,
) -> dict[str, Any]:
    user = request.user
    thread = thread_context(ticket)
    return {
        "nav": "queue",
        "live_streams": [f"ticket:{ticket.pk}"],
        **summary_context(ticket),
        **thread,
        **reply_context(request, ticket, reply_form, seen=newest_message_id(thread["thread"])),
        **note_context(note_form),
        **properties_context(request, ticket, error=properties_error),
        **facts_context(ticket, facts_form),
        **attachments_context(ticket),
        **history_context(ticket),
        "merge_form": merge_form or KeyedForm(MergeForm, ()),
        "other_tickets": ticket_reads.customer_other_tickets(user, ticket),
        "orders": ticket_reads.customer_orders(ticket),
        "failed_emails": ticket_reads.ticket_failed_emails(ticket),
        "panels": shown_panels(request, ticket),
        **workflow_context(request, ticket),
    }
