"""Every change to customers, tickets and messages goes through these functions."""

from .customers import customer_get_or_create, order_create
from .email import email_queue, email_send, emails_recover_interrupted, emails_retry_failed, emails_send_due
from .events import ticket_event_record
from .messages import (
    AttachmentInput,
    message_add_note,
    message_add_reply,
    message_add_system,
    message_receive_from_customer,
)
from .routing import agents_on_shift, is_on_shift
from .sla import sla_sweep, target_for
from .tickets import (
    missing_facts,
    ticket_assign,
    ticket_create,
    ticket_merge,
    ticket_record_facts,
    ticket_set_category,
    ticket_set_language,
    ticket_set_priority,
    ticket_set_status,
    tickets_close_solved,
)

__all__ = [
    "AttachmentInput",
    "agents_on_shift",
    "customer_get_or_create",
    "email_queue",
    "email_send",
    "emails_recover_interrupted",
    "emails_retry_failed",
    "emails_send_due",
    "is_on_shift",
    "message_add_note",
    "message_add_reply",
    "message_add_system",
    "message_receive_from_customer",
    "missing_facts",
    "order_create",
    "sla_sweep",
    "target_for",
    "ticket_assign",
    "ticket_create",
    "ticket_event_record",
    "ticket_merge",
    "ticket_record_facts",
    "ticket_set_category",
    "ticket_set_language",
    "ticket_set_priority",
    "ticket_set_status",
    "tickets_close_solved",
]
