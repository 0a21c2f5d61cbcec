"""One customer message as the assistant handles it: the conversation's state (locked by the
service), what the customer wrote, and what the assistant will say and do in answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tickets.models import Message, Ticket

from ..models import AssistantSession, HandoverReason
from . import texts

MAX_MISUNDERSTOOD = 2


@dataclass
class Turn:
    session: AssistantSession
    ticket: Ticket
    message: Message
    text: str
    photo: bool  # the message brought an image (stored, or still being fetched)
    said: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # what was said, for the ticket's history
    events: list[tuple[str, str]] = field(default_factory=list)
    handover: str = ""
    confused: bool = False

    @property
    def language(self) -> str:
        return self.ticket.language

    def say(self, text: str, topic: str = "") -> None:
        if text:
            self.said.append(text)
        if topic and topic not in self.topics:
            self.topics.append(topic)

    def answered(self, entry: dict[str, Any]) -> None:
        """A real answer (an order's news, a help article), shown on the agent's card."""
        if entry not in self.session.answered:
            self.session.answered = [*self.session.answered, entry]

    def event(self, kind: str, value: str) -> None:
        self.events.append((kind, value))

    def hand_over(self, reason: HandoverReason) -> None:
        self.handover = reason
        self.say(texts.handover(reason), topic="handover")

    def misunderstood(self, again: str, topic: str) -> None:
        """The answer did not fit: ask `again`, or hand over the second time in a row."""
        self.confused = True
        if self.session.misunderstood + 1 >= MAX_MISUNDERSTOOD:
            self.hand_over(HandoverReason.NOT_UNDERSTOOD)
        else:
            self.say(again, topic)
