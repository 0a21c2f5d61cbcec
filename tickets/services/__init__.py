"""Every change to customers, tickets and messages goes through these functions."""

from ._common import Care, care_for, register_care_provider, unregister_care_provider
from .channel_registry import (
    ChannelAdapter,
    channel_adapter,
    channel_choices,
    channel_label,
    queueing_channels,
    register_channel,
)
from .customers import customer_find, customer_get_or_create, customer_merge, order_create
from .email import email_queue, email_send, emails_recover_interrupted, emails_retry_failed, emails_send_due
from .events import ticket_event_record
from .intake import Arrival, Received, Sender, intake_receive, message_receive_from_customer, ticket_create
from .macros import MacroResult, macro_apply, macro_delete, macro_save, macros_editable_by, macros_visible_to
from .messages import (
    AttachmentInput,
    ReplyCrossed,
    message_add_note,
    message_add_reply,
    message_add_system,
    message_attach_files,
)
from .routing import agents_on_shift, is_on_shift
from .sla import target_for
from .sla_escalation import sla_sweep
from .status import missing_facts, ticket_close_by_customer, ticket_set_status, tickets_set_status
from .tags import tag_get_or_create, ticket_change_tags, tickets_change_tags
from .tickets import (
    ticket_assign,
    ticket_merge,
    ticket_record_facts,
    ticket_set_category,
    ticket_set_language,
    ticket_set_priority,
    ticket_set_team,
    tickets_assign,
    tickets_close_solved,
    tickets_set_category,
    tickets_set_priority,
    tickets_set_team,
)

__all__ = [
    "Arrival",
    "AttachmentInput",
    "Care",
    "ChannelAdapter",
    "MacroResult",
    "Received",
    "ReplyCrossed",
    "Sender",
    "agents_on_shift",
    "care_for",
    "channel_adapter",
    "channel_choices",
    "channel_label",
    "customer_find",
    "customer_get_or_create",
    "customer_merge",
    "email_queue",
    "email_send",
    "emails_recover_interrupted",
    "emails_retry_failed",
    "emails_send_due",
    "intake_receive",
    "is_on_shift",
    "macro_apply",
    "macro_delete",
    "macro_save",
    "macros_editable_by",
    "macros_visible_to",
    "message_add_note",
    "message_add_reply",
    "message_add_system",
    "message_attach_files",
    "message_receive_from_customer",
    "missing_facts",
    "order_create",
    "queueing_channels",
    "register_care_provider",
    "register_channel",
    "sla_sweep",
    "tag_get_or_create",
    "target_for",
    "ticket_assign",
    "ticket_change_tags",
    "ticket_close_by_customer",
    "ticket_create",
    "ticket_event_record",
    "ticket_merge",
    "ticket_record_facts",
    "ticket_set_category",
    "ticket_set_language",
    "ticket_set_priority",
    "ticket_set_status",
    "ticket_set_team",
    "tickets_assign",
    "tickets_change_tags",
    "tickets_close_solved",
    "tickets_set_category",
    "tickets_set_priority",
    "tickets_set_status",
    "tickets_set_team",
    "unregister_care_provider",
]
