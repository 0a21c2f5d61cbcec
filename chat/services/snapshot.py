"""The whole conversation as a widget (re)loading it gets it: state, place in the queue, the last
messages, and the stream's number to follow from."""

from __future__ import annotations

from typing import Any

from workspace.live.streams import newest_seq

from ..models import ChatConversation, ChatLine
from .events import first_name, message_payload, public_messages
from .queue import chat_queue_places, queue_text


def conversation_payload(conversation: ChatConversation) -> dict[str, Any]:
    messages = public_messages(conversation)
    client_ids = dict(
        ChatLine.objects.filter(conversation=conversation, message_id__in=[m.pk for m in messages]).values_list(
            "message_id", "client_id"
        )
    )
    seq = newest_seq(conversation.stream)  # read first: an event after this is sent again, never lost
    place = chat_queue_places(team_ids=[conversation.ticket.team_id]).get(conversation.pk)
    return {
        "id": conversation.pk,
        "state": conversation.state,
        "language": conversation.language,
        "name": conversation.visitor_name,
        "agent": first_name(conversation.agent) or None,
        "seq": seq,
        "position": place.position if place else None,
        "minutes": place.minutes if place else None,
        "long_wait": place.long_wait if place else False,
        "queue_text": queue_text(conversation.language, place) if place else "",
        "messages": [message_payload(conversation, m, client_ids.get(m.pk, "")) for m in messages],
        "rated": conversation.rated,
        "transcript_sent": conversation.transcript_sent_at is not None,
    }
