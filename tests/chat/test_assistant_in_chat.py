"""The assistant answers in the chat widget as it does in the messaging apps (ASSISTANT_CHANNELS):
its words are system lines of the thread, shown in the widget; while it holds the conversation the
visitor is told no place in the queue; after the handover it says nothing more."""

from __future__ import annotations

import pytest

from chat import services
from chat.models import ChatConversation
from selfservice.models import AssistantSession
from tickets.models import MessageKind
from tickets.services import message_add_reply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture(autouse=True)
def _assistant_in_chat(settings):
    settings.ASSISTANT_CHANNELS = ["chat"]


def lines(widget):
    return [e["payload"] for e in widget.events() if e["kind"] == "message" and e["payload"]["author"] == "system"]


def test_the_assistant_answers_in_the_widget_then_hands_over_and_stays_silent(
    widget, actors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        widget.start("Hi, where is my order?")
    assert "order number" in lines(widget)[-1]["body"]
    assert services.chat_queue_announce() == 0  # the assistant holds it: no place told yet

    with django_capture_on_commit_callbacks(execute=True):
        widget.say("I want to talk to a person")
    assert AssistantSession.objects.get().handed_over_at is not None
    assert services.chat_queue_announce() == 1
    said = len(lines(widget))

    chat = ChatConversation.objects.get()
    message_add_reply(ticket=chat.ticket, author=actors.l1, body="Hello, Anna here.")
    with django_capture_on_commit_callbacks(execute=True):
        widget.say("Where is my order SO-1?")
    assert len(lines(widget)) == said  # silent after the handover
    assert chat.ticket.messages.filter(kind=MessageKind.SYSTEM).count() == said


def test_an_agent_who_accepts_the_chat_silences_the_assistant(widget, actors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        widget.start("Hi, where is my order?")
    said = len(lines(widget))
    services.chat_accept(agent=actors.l1, conversation=ChatConversation.objects.get())

    with django_capture_on_commit_callbacks(execute=True):
        widget.say("SO-1001")

    assert len(lines(widget)) == said
    assert AssistantSession.objects.get().handover_reason == "agent_replied"
