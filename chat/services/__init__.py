"""The chat's services: what visitors do (`visitors.py`), what agents do (`agents.py`), the queue
and its announcements (`queue.py`), what the widget hears (`events.py`) and the emails (`mail.py`)."""

from .agents import chat_accept, chat_answered, chat_end_by_agent, chat_seats, chat_transfer, chats_open_count
from .events import chat_events_after, message_payload, publish_message
from .mail import chat_transcript_send, chat_unseen_replies_email
from .queue import Availability, chat_availability, chat_queue_announce, chat_queue_places
from .snapshot import conversation_payload
from .system import chat_system_send
from .visitors import (
    chat_agent_read,
    chat_email_me,
    chat_end_by_visitor,
    chat_for_token,
    chat_rate,
    chat_read,
    chat_send,
    chat_start,
)

__all__ = [
    "Availability",
    "chat_accept",
    "chat_agent_read",
    "chat_answered",
    "chat_availability",
    "chat_email_me",
    "chat_end_by_agent",
    "chat_end_by_visitor",
    "chat_events_after",
    "chat_for_token",
    "chat_queue_announce",
    "chat_queue_places",
    "chat_rate",
    "chat_read",
    "chat_seats",
    "chat_send",
    "chat_start",
    "chat_system_send",
    "chat_transcript_send",
    "chat_transfer",
    "chat_unseen_replies_email",
    "chats_open_count",
    "conversation_payload",
    "message_payload",
    "publish_message",
]
