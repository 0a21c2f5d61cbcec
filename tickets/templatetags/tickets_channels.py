"""{{ ticket.channel|channel_label }}: a channel's name as its adapter gives it."""

from django import template

from ..services.intake import channel_label as label_of

register = template.Library()


@register.filter
def channel_label(name: str) -> str:
    return label_of(name)
