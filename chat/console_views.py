"""The agents' chat console: the chats waiting in their team's queue with each one's place, their own
chats in progress and their free seats; accept the next chat or a given one. Each chat is worked on
its ticket page, where the chat panel transfers and ends it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError
from tickets.models import AgentProfile
from tickets.scope import ticket_scope_q
from tickets.waiting import waiting_by_channel

from . import services
from .forms import TransferForm
from .models import ChatConversation, ChatState
from .services.queue import QUEUE_ORDER


@staff_view()
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    profile = AgentProfile.objects.filter(user=user).first()
    queued = ChatConversation.objects.filter(state=ChatState.QUEUED).select_related("ticket", "ticket__team", "site")
    scope = ticket_scope_q(user, prefix="ticket__")
    if scope is not None:
        queued = queued.filter(scope)
    queued_list = list(queued.order_by(*QUEUE_ORDER)[:100])
    places = services.chat_queue_places(team_ids={c.ticket.team_id for c in queued_list})
    rows = [(chat, places.get(chat.pk)) for chat in queued_list]
    mine = list(
        ChatConversation.objects.filter(state=ChatState.ACTIVE, agent=user)
        .select_related("ticket")
        .order_by("accepted_at")
    )
    context = {
        "queued": rows,
        "mine": mine,
        "seats": services.chat_seats(user),
        "waiting": waiting_by_channel(user),
        "now": timezone.now(),
        "nav": "chats",
        "live_streams": [f"queue:team:{profile.team_id}"] if profile and profile.team_id else [],
    }
    return render(request, "chat/console.html", context)


@staff_view()
@require_POST
def accept(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    chosen = get_object_or_404(ChatConversation, pk=pk) if pk is not None else None
    try:
        taken = services.chat_accept(agent=request.user, conversation=chosen)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("chat:console")
    return HttpResponseRedirect(taken.ticket.get_absolute_url())


def _conversation_for(request: HttpRequest, pk: int) -> ChatConversation:
    found = ChatConversation.objects.select_related("ticket")
    scope = ticket_scope_q(request.user, prefix="ticket__")
    if scope is not None:
        found = found.filter(scope)
    return get_object_or_404(found, pk=pk)


@staff_view()
@require_POST
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_for(request, pk)
    form = TransferForm(request.POST, exclude_user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(conversation.ticket.get_absolute_url())
    try:
        services.chat_transfer(
            actor=request.user,
            conversation=conversation,
            note=form.cleaned_data["note"],
            agent=form.cleaned_data["agent"],
            team=form.cleaned_data["team"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(conversation.ticket.get_absolute_url())
    messages.success(request, _("The chat was transferred."))
    return redirect("chat:console")


@staff_view()
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_for(request, pk)
    try:
        services.chat_end_by_agent(
            actor=request.user, conversation=conversation, transcript=request.POST.get("transcript") == "1"
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(conversation.ticket.get_absolute_url())
