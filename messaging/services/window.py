"""WhatsApp's customer-service window: free text only within 24 hours of the customer's last message;
after it, only an approved template. The adapter refuses free text out of the window; a template is
sent through `whatsapp_template_send`, which marks the reply as a template while it is recorded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from tickets.models import Message, MessageKind, Ticket
from tickets.services import message_add_reply

from ..models import InboundEvent, Provider, WhatsAppTemplate
from .common import account_of

PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class TemplateChoice:
    template: WhatsAppTemplate
    parameters: list[str]


_SENDING_TEMPLATE: ContextVar[TemplateChoice | None] = ContextVar("sending_template", default=None)


def template_being_sent() -> TemplateChoice | None:
    return _SENDING_TEMPLATE.get()


def _sent_at(message_id: int, received: datetime) -> datetime:
    """When the customer sent it, by WhatsApp's own timestamp where the event has one: a message
    processed late (a broker outage) must not stretch the window past what WhatsApp allows."""
    payload = InboundEvent.objects.filter(message_id=message_id).values_list("payload", flat=True).first() or {}
    try:
        sent = datetime.fromtimestamp(int(payload["message"]["timestamp"]), tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        return received
    return min(sent, received)


def window_closes_at(ticket: Ticket) -> datetime | None:
    """When free text stops being allowed: 24 hours after the customer's last message in this
    conversation (any ticket of it), or None when they never wrote."""
    last = (
        Message.objects.filter(
            ticket__channel=Provider.WHATSAPP,
            ticket__conversation_key=ticket.conversation_key,
            kind=MessageKind.CUSTOMER,
        )
        .order_by("-created_at")
        .values_list("pk", "created_at")
        .first()
    )
    if last is None:
        return None
    return _sent_at(*last) + timedelta(hours=settings.MESSAGING_WHATSAPP_WINDOW_HOURS)


def window_is_open(ticket: Ticket) -> bool:
    closes = window_closes_at(ticket)
    return closes is not None and timezone.now() < closes


def _language_matches(code: str, language: str) -> bool:
    code, language = code.lower().replace("-", "_"), language.lower().replace("-", "_")
    if language == "zh_hans":
        return code in ("zh_cn", "zh")
    return code == language or code.split("_")[0] == language.split("_")[0]


def templates_for(ticket: Ticket) -> list[WhatsAppTemplate]:
    """The approved templates of the ticket's account in the customer's language (the ticket's)."""
    account = account_of(ticket.conversation_key)
    if account is None:
        return []
    approved = list(WhatsAppTemplate.objects.filter(account=account, approved=True).order_by("name", "language"))
    return [t for t in approved if _language_matches(t.language, ticket.language)]


def template_render(template: WhatsAppTemplate, parameters: list[str]) -> str:
    return PLACEHOLDER.sub(
        lambda m: parameters[int(m.group(1)) - 1] if 0 < int(m.group(1)) <= len(parameters) else m.group(0),
        template.body,
    )


def template_placeholder_count(template: WhatsAppTemplate) -> int:
    return max((int(n) for n in PLACEHOLDER.findall(template.body)), default=0)


def window_refusal(ticket: Ticket) -> ServiceError:
    closes = window_closes_at(ticket)
    names = ", ".join(f"{t.name} ({t.language})" for t in templates_for(ticket))
    message = _("WhatsApp allows free text only within 24 hours of the customer's last message")
    if closes:
        message += " " + _("(the window closed at %(time)s UTC).") % {"time": closes.strftime("%Y-%m-%d %H:%M")}
    else:
        message += "."
    if names:
        message += " " + _("Send an approved template instead: %(names)s.") % {"names": names}
    else:
        message += " " + _("No approved template in the customer's language: add one in the admin.")
    return ServiceError(message, field="body")


@contextmanager
def _sending(choice: TemplateChoice) -> Iterator[None]:
    token = _SENDING_TEMPLATE.set(choice)
    try:
        yield
    finally:
        _SENDING_TEMPLATE.reset(token)


@transaction.atomic
def whatsapp_template_send(*, ticket: Ticket, template: WhatsAppTemplate, parameters: list[str], actor: Any) -> Message:
    """An approved template as the reply, allowed in or out of the window; recorded like any reply."""
    if ticket.channel != Provider.WHATSAPP:
        raise ServiceError(_("Templates are sent on WhatsApp conversations only."))
    account = account_of(ticket.conversation_key)
    if not template.approved or account is None or template.account_id != account.pk:
        raise ServiceError(_("This template is not approved for this WhatsApp account."), field="template")
    parameters = [" ".join((p or "").split()) for p in parameters]
    count = template_placeholder_count(template)
    if len(parameters) < count or any(not p for p in parameters[:count]):
        raise ServiceError(
            _("This template needs %(count)d values for its placeholders.") % {"count": count}, field="parameters"
        )
    parameters = parameters[:count]
    with _sending(TemplateChoice(template=template, parameters=parameters)):
        return message_add_reply(ticket=ticket, author=actor, body=template_render(template, parameters))
