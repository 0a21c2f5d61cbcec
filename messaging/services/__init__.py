"""Every write of the messaging app goes through these functions."""

from .common import account_of, conversation_key, conversation_parts
from .inbound import Answer, webhook_receive
from .outbound import media_fetch, media_fetch_due, outbound_queue, outbound_send, outbound_send_due
from .processing import event_process, events_process_waiting, events_purge, status_apply
from .queue_messages import queue_message_on_arrival, queue_messages_sweep
from .system import system_message_allowed, system_message_send
from .window import (
    template_being_sent,
    templates_for,
    whatsapp_template_send,
    window_closes_at,
    window_is_open,
    window_refusal,
)

__all__ = [
    "Answer",
    "account_of",
    "conversation_key",
    "conversation_parts",
    "event_process",
    "events_process_waiting",
    "events_purge",
    "media_fetch",
    "media_fetch_due",
    "outbound_queue",
    "outbound_send",
    "outbound_send_due",
    "queue_message_on_arrival",
    "queue_messages_sweep",
    "status_apply",
    "system_message_allowed",
    "system_message_send",
    "template_being_sent",
    "templates_for",
    "webhook_receive",
    "whatsapp_template_send",
    "window_closes_at",
    "window_is_open",
    "window_refusal",
]
