"""The ticket page, and posting replies and internal notes to its thread."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError, add_service_error
from helpdesk.htmx import vary_on_htmx, wants_fragment
from helpdesk.links import page_url

from .. import selectors, services
from ..forms import MessageForm, NoteForm, ReplyForm
from ..models import Ticket
from . import ticket_context as ctx

UNPROCESSABLE = 422


def render_ticket_page(request: HttpRequest, ticket: Ticket, status: int = 200, **forms: Any) -> HttpResponse:
    context = ctx.ticket_page_context(request, ticket, **forms)
    return vary_on_htmx(render(request, "tickets/ticket/page.html", context, status=status))


@staff_view()
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, pk)
    return render_ticket_page(request, ticket)


def _post_message(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, pk)
    form: MessageForm = (ReplyForm if kind == "reply" else NoteForm)(request.POST, prefix=kind)
    if form.is_valid():
        files = request.FILES.getlist(f"{kind}-attachments")
        try:
            if kind == "reply":
                services.message_add_reply(
                    ticket=ticket,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    attachments=files,
                    set_pending=form.cleaned_data["set_pending"],
                    seen_message_id=form.cleaned_data.get("seen"),
                )
            else:
                services.message_add_note(
                    ticket=ticket,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    attachments=files,
                )
        except services.ReplyCrossed as error:
            _hold_crossed_reply(form, error)
        except ServiceError as error:
            add_service_error(form, error, fallback="body")
        else:
            return _message_posted(request, ticket.pk, kind)
    if form.errors and request.FILES:
        form.add_error(None, _("Choose the files again: a browser cannot keep them across a refusal."))
    ticket = selectors.ticket_for_user(request.user, pk)  # as stored: a refused change left nothing
    if wants_fragment(request):
        template = f"tickets/ticket/_{kind}_form.html"
        context = {"ticket": ticket, **_form_context(request, ticket, kind, form)}
        return vary_on_htmx(render(request, template, context, status=UNPROCESSABLE))
    return render_ticket_page(request, ticket, status=UNPROCESSABLE, **{f"{kind}_form": form})


def _hold_crossed_reply(form: MessageForm, error: services.ReplyCrossed) -> None:
    """Refuse once: show the newer messages, and count them as seen so sending again goes through."""
    form.add_error(None, error.message)
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict, immutable as posted
    data[form.add_prefix("seen")] = str(error.newer[-1].pk)
    form.data = data
    form.crossed = error.newer  # type: ignore[attr-defined]


def _form_context(
    request: HttpRequest, ticket: Ticket, kind: str, form: Any = None, notice: str = "", seen: int | None = None
) -> dict[str, Any]:
    if kind == "reply":
        return ctx.reply_context(request, ticket, form, notice, seen=seen)
    return ctx.note_context(form, notice)


def _message_posted(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, pk)
    if kind == "reply":
        customer = ticket.customer
        notice = _("Reply sent to %(email)s.") % {"email": customer.email or customer.phone or customer.name}
    else:
        notice = _("Note added. It is never shown to the customer.")
    if not wants_fragment(request):
        messages.success(request, notice)
        return redirect(page_url(ticket, "thread-end"))
    thread = ctx.thread_context(ticket)
    context = {
        **ctx.summary_context(ticket),
        **_form_context(request, ticket, kind, notice=notice, seen=ctx.newest_message_id(thread["thread"])),
        **thread,
        **ctx.properties_context(request, ticket),
        **ctx.attachments_context(ticket),
        **ctx.history_context(ticket),
        **ctx.facts_context(ticket),  # an image attachment may satisfy a fact
        "oob": True,
    }
    return vary_on_htmx(render(request, f"tickets/ticket/_{kind}_posted.html", context))


@staff_view()
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_message(request, pk, "reply")


@staff_view()
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_message(request, pk, "note")
