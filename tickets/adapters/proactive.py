"""Tickets we open ourselves about a customer's order (a parcel in trouble): the customer wrote
nothing, so the first message is a note for the agents, and there is no first-response clock."""

from __future__ import annotations

from ..models import Channel
from ..services import ChannelAdapter


class ProactiveChannel(ChannelAdapter):
    name = Channel.SYSTEM
    label = Channel.SYSTEM.label
    detect_language = False
    customer_writes = False


ADAPTER = ProactiveChannel()
