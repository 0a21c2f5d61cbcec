"""Tags and macros on the ticket page: the tags with add and remove, the macro picker with a preview
of what the macro will do (its reply in the customer's language), and applying it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError
from helpdesk.links import page_url
from helpdesk.prepared import Prepared

from .. import selectors, services
from ..models import AssigneeAction, Macro, Priority, Status, Tag, Ticket
from ..placeholders import PLACEHOLDERS
from ..services.macros import macros_of, reply_text


def macro_preview(macro: Macro, ticket: Ticket, actor: Any) -> dict[str, Any]:
    """What applying the macro to this ticket will do, as the agent reads it, and its reply filled
    in for this customer in the ticket's language."""
    changes: list[tuple[str, str]] = []
    if macro.category_id and macro.category_id != ticket.category_id and macro.category is not None:
        changes.append((_("Category"), str(macro.category.name)))
    if macro.facts:
        changes.append((_("Facts"), ", ".join(f"{k}: {v}" for k, v in macro.facts.items())))
    tag_names = [t.name for t in macro.tags.all()]
    if tag_names:
        changes.append((_("Tags to add"), ", ".join(tag_names)))
    if macro.priority is not None and macro.priority != ticket.priority:
        changes.append((_("Priority"), str(Priority(macro.priority).label)))
    if macro.assignee:
        changes.append((_("Assignee"), str(AssigneeAction(macro.assignee).label)))
    if macro.status and macro.status != ticket.status:
        changes.append((_("Status"), str(Status(macro.status).label)))
    return {"macro": macro, "changes": changes, "reply": reply_text(macro, ticket, actor)}


_TAGS = Prepared(
    lambda ticket_id: Tag.objects.filter(ticket_tags__ticket_id=ticket_id).values_list("name"), ticket_id=int
)
_MANAGED_TAGS = Prepared(lambda: Tag.objects.filter(managed=True).values_list("name"))
_MACROS = Prepared(
    lambda in_team, user_id, team_id: macros_of(user_id, team_id if in_team else None).only("pk", "name"),
    user_id=int,
    team_id=int,
)


def workflow_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    """The ticket's tags, the tags admins keep (offered when adding), the macros the agent may use
    and, when one is picked (?macro=), its preview. Three queries, four with a preview."""
    tags = sorted((name for (name,) in _TAGS.rows(ticket_id=ticket.pk)), key=str.lower)
    team_id = selectors.user_team_id(request.user)
    macros = _MACROS.objects(shape=team_id is not None, user_id=request.user.pk, team_id=team_id or 0)
    picked = request.GET.get("macro", "")
    preview = None
    if picked.isdigit():
        macro = (
            services.macros_visible_to(request.user)
            .select_related("category")
            .prefetch_related("tags")
            .filter(pk=int(picked))
            .first()
        )
        if macro is not None:
            preview = macro_preview(macro, ticket, request.user)
    return {
        "tags": tags,
        "managed_tags": [name for (name,) in _MANAGED_TAGS.rows()],
        "free_tags_allowed": not settings.TAGS_ADMIN_MANAGED_ONLY,
        "macros": macros,
        "macro_preview": preview,
        "placeholders": PLACEHOLDERS,
    }


@staff_view()
@require_POST
def change_tags(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, pk)
    add = [n for n in request.POST.getlist("add") if n.strip()]
    remove = [n for n in request.POST.getlist("remove") if n.strip()]
    try:
        services.ticket_change_tags(ticket=ticket, actor=request.user, add=add, remove=remove)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Tags saved."))
    return redirect(page_url(ticket, "ticket-tags"))


@staff_view()
@require_POST
def apply_macro(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, pk)
    macro_id = request.POST.get("macro", "")
    macro = services.macros_visible_to(request.user).filter(pk=int(macro_id) if macro_id.isdigit() else 0).first()
    if macro is None:
        messages.error(request, _("Macro not found."))
        return redirect(page_url(ticket, "ticket-macros"))
    try:
        services.macro_apply(ticket=ticket, macro=macro, actor=request.user)
    except ServiceError as error:
        messages.error(request, _("The macro was not applied: %(reason)s") % {"reason": error.message})
        return redirect(page_url(ticket, "ticket-macros"))
    messages.success(request, _("Macro “%(name)s” applied.") % {"name": macro.name})
    return redirect(page_url(ticket))
