"""Channels where someone types for the customer: a store platform's API client, an agent taking
a call or copying a chat. Their tickets are answered by email; the API client's text is the
customer's own words, an agent's note of a call is not (its language is the one chosen)."""

from __future__ import annotations

from ..models import Channel
from ..services import ChannelAdapter


class ApiChannel(ChannelAdapter):
    name = Channel.API
    label = Channel.API.label


class PhoneChannel(ChannelAdapter):
    name = Channel.PHONE
    label = Channel.PHONE.label
    detect_language = False


class ChatCopyChannel(ChannelAdapter):
    """A chat the agent copied into a ticket."""

    name = Channel.CHAT
    label = Channel.CHAT.label
    detect_language = False


ADAPTERS = (ApiChannel(), PhoneChannel(), ChatCopyChannel())
