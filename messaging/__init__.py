"""Messaging apps as channels: WhatsApp Cloud API, LINE Messaging API and Telegram Bot API.

A conversation in an app is a ticket with the provider's channel. Webhooks are verified and stored
raw first (`InboundEvent`), processed by workers into the one intake path; replies leave as
`OutboundMessage` rows sent by a sweep with retries, whose delivery statuses show on the thread."""
