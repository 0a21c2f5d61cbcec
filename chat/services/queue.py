"""The chat queue: the team's chats waiting to be accepted, the customers a rule ranks higher (a VIP
segment) first, then higher priority, then who waited longest. A visitor is told their place and
the expected wait as they change (an event on their stream), in their language; a place that grows
comes with its reason. The expected wait follows tickets/waiting.py: the team's agents on shift,
their seats, the median of its recent first replies.

Every place is computed in a fixed number of queries (one windowed statement, two for the agents on
shift, one for the recent replies). `chat_queue_announce` runs after each change of the queue (a
task enqueued after commit) and from the beat's sweep, so a lost task delays an update, never loses it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from tickets.listeners import conversation_held
from tickets.services.routing import team_for_new_ticket
from tickets.waiting import TeamWaits
from workspace.live.streams import publish

from ..models import ChatConversation, ChatSite, ChatState

# Who goes first: the customer's rank (segments), then the ticket's priority, then who waited longest.
QUEUE_ORDER = [F("rank").desc(), F("ticket__priority").desc(), F("queued_since").asc(), F("pk").asc()]


@dataclass(frozen=True)
class Place:
    conversation_id: int
    team_id: int
    position: int  # 1: next to be accepted
    minutes: int | None  # None: nobody on shift
    long_wait: bool  # nobody on shift, or longer than the site offers: the visitor may go on by email


def chat_queue_places(*, team_ids: Iterable[int] | None = None, now: datetime | None = None) -> dict[int, Place]:
    """The place of every queued chat (of these teams), by conversation id."""
    now = now or timezone.now()
    queued = ChatConversation.objects.filter(state=ChatState.QUEUED)
    if team_ids is not None:
        queued = queued.filter(ticket__team_id__in=list(team_ids))
    rows = list(
        queued.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("ticket__team_id")],
                order_by=QUEUE_ORDER,
            )
        ).values_list("pk", "ticket__team_id", "position", "site__max_wait_minutes")
    )
    if not rows:
        return {}
    waits = TeamWaits.read({row[1] for row in rows}, now)
    places = {}
    for pk, team_id, position, longest in rows:
        minutes = waits.minutes(team_id, position)
        places[pk] = Place(pk, team_id, position, minutes, minutes is None or minutes > longest)
    return places


def queue_text(language: str, place: Place, reason: str = "") -> str:
    """What the visitor reads, in their language."""
    with translation.override(language):
        lines = []
        if reason == "priority":
            lines.append(gettext("A more urgent request was placed ahead of you."))
        elif reason == "transfer":
            lines.append(gettext("You were transferred to another team."))
        if place.minutes is None:
            lines.append(
                gettext("No agent is available right now. You can leave your message and get our answer by email.")
            )
        else:
            lines.append(
                ngettext(
                    "You are number %(position)d — about %(minutes)d minute.",
                    "You are number %(position)d — about %(minutes)d minutes.",
                    place.minutes,
                )
                % {"position": place.position, "minutes": place.minutes}
            )
            if place.long_wait:
                lines.append(gettext("The wait is long: you can leave your message and get our answer by email."))
        return " ".join(lines)


def _reason(conversation: ChatConversation, place: Place) -> str:
    if conversation.told_position is None or place.position <= conversation.told_position:
        return ""
    return "transfer" if conversation.told_team_id != place.team_id else "priority"


@transaction.atomic
def chat_queue_announce(*, team_ids: Iterable[int] | None = None) -> int:
    """Tell each queued visitor (of these teams) whose place or wait changed; how many were told.
    Rows another announcer holds are skipped: it tells them."""
    places = chat_queue_places(team_ids=team_ids)
    told = 0
    waiting = ChatConversation.objects.select_for_update(skip_locked=True, of=("self",)).select_related("ticket")
    for conversation in waiting.filter(pk__in=list(places)):
        if conversation_held(conversation.ticket):
            continue  # the assistant answers it first: no person is due yet
        place = places[conversation.pk]
        if (conversation.told_position, conversation.told_minutes, conversation.told_team_id) == (
            place.position,
            place.minutes,
            place.team_id,
        ):
            continue
        reason = _reason(conversation, place)
        payload = {
            "position": place.position,
            "minutes": place.minutes,
            "long_wait": place.long_wait,
            "reason": reason,
            "text": queue_text(conversation.language, place, reason),
        }
        publish(conversation.stream, "queue", payload)
        ChatConversation.objects.filter(pk=conversation.pk).update(
            told_position=place.position, told_minutes=place.minutes, told_team_id=place.team_id
        )
        told += 1
    return told


@dataclass(frozen=True)
class Availability:
    online: bool
    minutes: int | None
    reason: str  # "", "no_agent" or "long_wait"
    team_id: int


def chat_availability(site: ChatSite, *, language: str, country: str = "", now: datetime | None = None) -> Availability:
    """Whether a new chat would reach a person, and after how long (a read)."""
    now = now or timezone.now()
    team = site.team or team_for_new_ticket(country=country, language=language)[0]
    waits = TeamWaits.read([team.pk], now)
    if not waits.agents[team.pk]:
        return Availability(False, None, "no_agent", team.pk)
    ahead = ChatConversation.objects.filter(state=ChatState.QUEUED, ticket__team_id=team.pk).count()
    minutes = waits.minutes(team.pk, ahead + 1)
    long_wait = minutes is not None and minutes > site.max_wait_minutes
    return Availability(True, minutes, "long_wait" if long_wait else "", team.pk)
