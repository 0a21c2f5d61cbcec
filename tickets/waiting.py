"""Conversations waiting for a person, for every channel whose customers queue (a chat, a messaging
app: `ChannelAdapter.queues_customers`).

A conversation waits while its ticket is new or open and the customer wrote after the last public
reply of an agent (an automatic message, ours or a system's, answers nothing). It waits since the
first of those messages. Its place is among the waiting conversations of its team, every queueing
channel together (the same agents answer them): higher priority first, then who waited longest.

The expected wait: the team's agents on shift each answer QUEUE_SEATS_PER_AGENT conversations at
once, and a conversation takes as long to a first reply as the median of the team's recent ones, so
place p waits ceil(p / seats) of those. With nobody on shift there is no number to give.

Reads only, in a fixed number of queries whatever the number of conversations: the waiting ones with
their places (one statement, a window function), the agents on shift (two), the recent first replies
(one)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from helpdesk.kept_sql import Read, capped_text, read_rows
from helpdesk.prepared import Prepared

from .models import OPEN_Q, Message, MessageKind, Status, Ticket
from .scope import ticket_scope, within_scope
from .selectors import WAITING_CAP
from .services import queueing_channels
from .services.routing import agents_on_shift_by_team

WAITING_STATUSES = (Status.NEW, Status.OPEN)
_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


def waiting_conversations(channels: Iterable[str] | None = None) -> QuerySet[Ticket]:
    """The waiting conversations of these channels (every queueing channel by default), each with
    `agent_replied_at` (the last agent's public reply, or None) and `waiting_since`."""
    names = list(queueing_channels() if channels is None else channels)
    last_reply = (
        Message.objects.filter(ticket=OuterRef("pk"), kind=MessageKind.REPLY, is_automatic=False)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    first_unanswered = (
        Message.objects.filter(
            ticket=OuterRef("pk"),
            kind=MessageKind.CUSTOMER,
            created_at__gt=Coalesce(OuterRef("agent_replied_at"), Value(_LONG_AGO)),
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    return (
        Ticket.objects.filter(OPEN_Q, status__in=[s.value for s in WAITING_STATUSES], channel__in=names)
        .exclude(conversation_key="")
        .annotate(agent_replied_at=Subquery(last_reply))
        .annotate(waiting_since=Subquery(first_unanswered))
        .filter(waiting_since__isnull=False)
    )


@dataclass(frozen=True)
class QueueEstimate:
    ticket_id: int
    team_id: int
    channel: str
    waiting_since: datetime
    agent_replied_at: datetime | None
    position: int  # 1: next to be answered
    agents: int  # on shift in the team
    minutes: int | None  # the expected wait; None when no agent is on shift

    @property
    def agent_available(self) -> bool:
        return self.minutes is not None


def recent_reply_minutes(team_ids: Iterable[int], now: datetime) -> dict[int, float]:
    """Each team's median minutes from a conversation's first message to its first reply, over its
    last QUEUE_REPLY_SAMPLE conversations answered in the last QUEUE_REPLY_SAMPLE_HOURS (one query);
    teams with none answered are left out."""
    ids = list(team_ids)
    if not ids:
        return {}
    rows = (
        Ticket.objects.filter(
            team_id__in=ids,
            first_response_at__gte=now - timedelta(hours=settings.QUEUE_REPLY_SAMPLE_HOURS),
            first_customer_message_at__isnull=False,
        )
        .exclude(conversation_key="")
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("team_id")], order_by=[F("first_response_at").desc(), F("pk")])
        )
        .filter(rank__lte=settings.QUEUE_REPLY_SAMPLE)
        .values_list("team_id", "first_customer_message_at", "first_response_at")
    )
    seconds: dict[int, list[float]] = {}
    for team_id, asked, answered in rows:
        if team_id is None or asked is None or answered is None:  # excluded by the filter above
            continue
        seconds.setdefault(team_id, []).append(max(0.0, (answered - asked).total_seconds()))
    return {team_id: statistics.median(values) / 60 for team_id, values in seconds.items()}


def expected_minutes(position: int, agents: int, reply_minutes: float) -> int | None:
    if agents <= 0:
        return None
    seats = agents * max(1, settings.QUEUE_SEATS_PER_AGENT)
    return max(1, math.ceil(math.ceil(position / seats) * reply_minutes))


@dataclass(frozen=True)
class TeamWaits:
    """What the expected wait of a place in each team's queue rests on, read once for many places (three
    queries): the agents on shift and the median minutes of the recent first replies."""

    agents: dict[int, int]
    reply_minutes: dict[int, float]

    @classmethod
    def read(cls, team_ids: Iterable[int], now: datetime) -> TeamWaits:
        teams = set(team_ids)
        on_shift = agents_on_shift_by_team(teams, now)
        return cls(
            agents={team: len(on_shift.get(team, [])) for team in teams},
            reply_minutes=recent_reply_minutes(teams, now),
        )

    def minutes(self, team_id: int, position: int) -> int | None:
        reply = self.reply_minutes.get(team_id, float(settings.QUEUE_DEFAULT_REPLY_MINUTES))
        return expected_minutes(position, self.agents.get(team_id, 0), reply)


def queue_estimates(*, team_ids: Iterable[int] | None = None, now: datetime | None = None) -> dict[int, QueueEstimate]:
    """Every waiting conversation (of these teams) with its place and expected wait, by ticket id."""
    now = now or timezone.now()
    waiting = waiting_conversations()
    if team_ids is not None:
        waiting = waiting.filter(team_id__in=list(team_ids))
    rows = list(
        waiting.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("team_id")],
                order_by=[F("priority").desc(), F("waiting_since").asc(), F("pk").asc()],
            )
        ).values_list("pk", "team_id", "channel", "waiting_since", "agent_replied_at", "position")
    )
    if not rows:
        return {}
    waits = TeamWaits.read({row[1] for row in rows}, now)
    estimates = {}
    for pk, team_id, channel, since, replied, position in rows:
        estimates[pk] = QueueEstimate(
            ticket_id=pk,
            team_id=team_id,
            channel=channel,
            waiting_since=since,
            agent_replied_at=replied,
            position=position,
            agents=waits.agents[team_id],
            minutes=waits.minutes(team_id, position),
        )
    return estimates


def queue_estimate(ticket: Ticket, now: datetime | None = None) -> QueueEstimate | None:
    """The ticket's place and expected wait, or None when it is not waiting."""
    return queue_estimates(team_ids=[ticket.team_id], now=now).get(ticket.pk)


def _waiting_by_channel(shape: tuple[str, ...], user_id: int, team_id: int) -> QuerySet[Any]:
    """(channel, waiting since) of the longest waiting conversations of some channels, for a kind of scope."""
    scope, *channels = shape
    waiting = within_scope(waiting_conversations(channels), scope, user_id, team_id)
    since = F("waiting_since")
    return waiting.order_by(since.asc(), "pk").values_list("channel", since)[: WAITING_CAP + 1]


_WAITING_BY_CHANNEL = Prepared(_waiting_by_channel, user_id=int, team_id=int)


@dataclass(frozen=True)
class ChannelWaiting:
    channel: str
    label: str
    count: int
    longest_since: datetime | None
    capped: bool = False  # more than WAITING_CAP wait in all: the count is a floor

    @property
    def count_text(self) -> str:
        return capped_text(self.count, self.capped)


@dataclass(frozen=True)
class ChannelWaits:
    """waiting_by_channel()'s read, to be run alone or with other statements (the queue page's)."""

    channels: dict[str, str]  # the queueing channels: {name: label}
    read: Read | None  # None when no channel queues its customers

    def of(self, rows: list[list[Any]]) -> list[ChannelWaiting]:
        """The channels' waits from the rows the read gave (read_rows)."""
        capped = len(rows) > WAITING_CAP
        counts: dict[str, int] = {}
        longest: dict[str, datetime] = {}
        for channel, since in rows[:WAITING_CAP]:
            counts[channel] = counts.get(channel, 0) + 1
            longest.setdefault(channel, since)
        return [
            ChannelWaiting(name, label, counts.get(name, 0), longest.get(name), capped)
            for name, label in self.channels.items()
        ]


def channel_waits(user: Any) -> ChannelWaits:
    """The read of how many conversations the user may see wait on each queueing channel, and since
    when the longest has waited: at most WAITING_CAP + 1 rows."""
    channels = queueing_channels()
    if not channels:
        return ChannelWaits({}, None)
    scope, user_id, team_id = ticket_scope(user)
    return ChannelWaits(channels, _WAITING_BY_CHANNEL.read(shape=(scope, *channels), user_id=user_id, team_id=team_id))


def waiting_by_channel(user: Any) -> list[ChannelWaiting]:
    """channel_waits() read now: one query (none when no channel queues its customers)."""
    waits = channel_waits(user)
    return waits.of(read_rows(waits.read))
