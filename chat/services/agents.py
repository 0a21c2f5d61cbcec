"""What agents do with chats: accept the next one (or the one offered to them), within their number
of seats; transfer one to a colleague or a team with a note; end one. The ticket changes go through
the tickets' own services (assignment, team, note, status), so its history and live pages follow."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import ServiceError
from helpdesk.tasking import enqueue
from tickets.models import AgentProfile, Team
from tickets.scope import can_see_ticket
from tickets.services import message_add_note, ticket_assign, ticket_set_team

from ..models import ChatConversation, ChatSeat, ChatState
from .events import first_name, publish_text
from .visitors import end_conversation


def chat_seats(user: Any) -> int:
    """How many chats the agent takes at once."""
    seat = ChatSeat.objects.filter(user=user).values_list("seats", flat=True).first()
    return int(seat if seat is not None else settings.QUEUE_SEATS_PER_AGENT)


def chats_open_count(user: Any) -> int:
    return ChatConversation.objects.filter(state=ChatState.ACTIVE, agent=user).count()


def _ensure_free_seat(user: Any) -> None:
    seats = chat_seats(user)
    if chats_open_count(user) >= seats:
        raise ServiceError(
            _("%(name)s already has %(count)d chats open, the most they take at once.")
            % {"name": first_name(user), "count": seats}
        )


def _next_for(agent: Any) -> ChatConversation | None:
    """The chat the agent should take: one offered to them first, then the head of their team's queue,
    those in a language they speak before the others."""
    profile = AgentProfile.objects.filter(user=agent).first()
    queued = ChatConversation.objects.filter(state=ChatState.QUEUED).select_related("ticket")
    if profile is not None and profile.team_id:
        queued = queued.filter(Q(ticket__team_id=profile.team_id) | Q(ticket__assignee=agent))
    elif not roles.is_supervisor(agent):
        queued = queued.filter(ticket__assignee=agent)
    order = [F("ticket__priority").desc(), F("queued_since").asc(), F("pk").asc()]
    offered = queued.filter(ticket__assignee=agent).order_by(*order).first()
    if offered is not None:
        return offered
    candidates = list(queued.filter(ticket__assignee__isnull=True).order_by(*order)[:50])
    spoken = [c for c in candidates if profile is not None and profile.speaks(c.ticket.language)]
    pool = spoken or candidates
    return pool[0] if pool else None


def _announce(team_id: int) -> None:
    enqueue("chat.tasks.announce_queue", team_id)


def _tell_joined(conversation: ChatConversation, agent: Any) -> None:
    name = first_name(agent)
    publish_text(conversation, "joined", _("%(name)s joined the chat.") % {"name": name}, name=name)
    _announce(conversation.ticket.team_id)


@transaction.atomic
def chat_accept(*, agent: Any, conversation: ChatConversation | None = None) -> ChatConversation:
    """The agent takes this chat (or the next one for them): it is theirs, and the visitor is told."""
    roles.require(agent, roles.WORK_TICKETS)
    _ensure_free_seat(agent)
    chosen = conversation or _next_for(agent)
    if chosen is None:
        raise ServiceError(_("No chat is waiting."))
    chosen = ChatConversation.objects.select_for_update(of=("self",)).select_related("ticket", "site").get(pk=chosen.pk)
    if chosen.state != ChatState.QUEUED:
        raise ServiceError(_("This chat is no longer waiting: someone took it, or the visitor left."))
    if not can_see_ticket(agent, chosen.ticket):
        raise ServiceError(_("This chat belongs to another team."))
    if chosen.ticket.assignee_id != agent.pk:
        ticket_assign(ticket=chosen.ticket, assignee=agent, actor=agent)
    chosen.state, chosen.agent, chosen.accepted_at = ChatState.ACTIVE, agent, timezone.now()
    chosen.save(update_fields=["state", "agent", "accepted_at"])
    _tell_joined(chosen, agent)
    return chosen


@transaction.atomic
def chat_answered(*, conversation: ChatConversation, agent: Any) -> None:
    """An agent replied to a queued chat from its ticket page without accepting it: theirs, as if accepted."""
    taken = ChatConversation.objects.filter(pk=conversation.pk, state=ChatState.QUEUED).update(
        state=ChatState.ACTIVE, agent=agent, accepted_at=timezone.now()
    )
    if taken:
        _tell_joined(conversation, agent)


@transaction.atomic
def chat_transfer(
    *, actor: Any, conversation: ChatConversation, note: str, agent: Any = None, team: Team | None = None
) -> ChatConversation:
    """Hand the chat to a colleague (who has a free seat) or back to a team's queue, with a note for
    whoever takes it; the visitor is told they are being transferred."""
    note = (note or "").strip()
    if not note:
        raise ServiceError(_("Write a note for whoever takes the chat over."), field="note")
    if (agent is None) == (team is None):
        raise ServiceError(_("Choose an agent or a team."), field="agent")
    conversation = (
        ChatConversation.objects.select_for_update(of=("self",))
        .select_related("ticket", "site")
        .get(pk=conversation.pk)
    )
    if conversation.state not in (ChatState.QUEUED, ChatState.ACTIVE):
        raise ServiceError(_("Only a chat in progress can be transferred."))
    ticket = conversation.ticket
    message_add_note(ticket=ticket, author=actor, body=_("Chat transferred: %(note)s") % {"note": note})
    old_team = ticket.team_id
    if agent is not None:
        roles.require(agent, roles.WORK_TICKETS)
        _ensure_free_seat(agent)
        ticket_assign(ticket=ticket, assignee=agent, actor=actor)
        conversation.state, conversation.agent, conversation.accepted_at = ChatState.ACTIVE, agent, timezone.now()
        text = _("You are being transferred to %(name)s.") % {"name": first_name(agent)}
    else:
        assert team is not None
        ticket_set_team(ticket=ticket, team=team, actor=actor)
        if ticket.assignee_id:
            ticket_assign(ticket=ticket, assignee=None, actor=actor)
        conversation.state, conversation.agent = ChatState.QUEUED, None
        conversation.queued_since = timezone.now()
        text = _("You are being transferred to another team. Please wait a moment.")
    conversation.save(update_fields=["state", "agent", "accepted_at", "queued_since"])
    publish_text(conversation, "transferred", text)
    for team_id in {old_team, ticket.team_id}:
        _announce(team_id)
    return conversation


@transaction.atomic
def chat_end_by_agent(*, actor: Any, conversation: ChatConversation, transcript: bool = False) -> ChatConversation:
    conversation = (
        ChatConversation.objects.select_for_update(of=("self",))
        .select_related("ticket", "site")
        .get(pk=conversation.pk)
    )
    roles.require(actor, roles.WORK_TICKETS)
    if not can_see_ticket(actor, conversation.ticket):
        raise ServiceError(_("This chat belongs to another team."))
    if conversation.state != ChatState.ENDED:
        end_conversation(conversation, by="agent", transcript=transcript, actor=actor)
    return conversation
