"""{{ ticket.channel|channel_label }}: a channel's name as its adapter gives it; {{ ticket|queue_row_key:now }}."""

from datetime import datetime

from django import template

from ..models import Ticket, format_reference
from ..queue_columns import row_key
from ..services.intake import channel_label as label_of

register = template.Library()


@register.filter
def channel_label(name: str) -> str:
    return label_of(name)


@register.filter
def queue_row_key(ticket: Ticket, now: datetime) -> tuple[object, ...]:
    """What a queue row shows, as its fragment's key (tickets/queue_columns.py)."""
    return row_key(ticket, now)


@register.filter
def ticket_reference(pk: int) -> str:
    """A ticket's reference (HD-000123) from its id, without loading the ticket."""
    return format_reference(pk)
