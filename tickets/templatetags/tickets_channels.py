"""{{ ticket.channel|channel_label }}: a channel's name as its adapter gives it; {{ pk|ticket_reference }}."""

from django import template

from ..models import format_reference
from ..services.intake import channel_label as label_of

register = template.Library()


@register.filter
def channel_label(name: str) -> str:
    return label_of(name)


@register.filter
def ticket_reference(pk: int) -> str:
    """A ticket's reference (HD-000123) from its id, without loading the ticket."""
    return format_reference(pk)
