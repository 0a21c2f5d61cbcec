"""What the chat adds to a chat ticket's page: the conversation's state, the visitor's read mark,
and the agent's actions (accept, transfer with a note, end with or without the transcript)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from tickets.models import Channel, Ticket

from .forms import TransferForm
from .models import ChatConversation, ChatState
from .services import chat_seats, chats_open_count


def chat_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    if ticket.channel != Channel.CHAT:  # only the chat opens conversations (chat/adapters.py)
        return None
    conversation = ChatConversation.objects.select_related("site", "agent").filter(ticket=ticket).first()
    if conversation is None:
        return None
    in_progress = conversation.state in (ChatState.QUEUED, ChatState.ACTIVE)
    return {
        "chat": conversation,
        "in_progress": in_progress,
        "queued": conversation.state == ChatState.QUEUED,
        "transfer_form": TransferForm(exclude_user=request.user) if in_progress else None,
        "accept_url": reverse("chat:accept_one", args=[conversation.pk]),
        "transfer_url": reverse("chat:transfer", args=[conversation.pk]),
        "end_url": reverse("chat:end", args=[conversation.pk]),
        "seats": chat_seats(request.user),
        "open_chats": chats_open_count(request.user),
    }
