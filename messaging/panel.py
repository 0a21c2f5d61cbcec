"""What the messaging app adds to the ticket page: a delivery status on each reply (and a note on
media still being fetched), and for a WhatsApp conversation the customer-service window and its templates."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Ticket
from tickets.panels import MessageMark

from . import selectors
from .forms import TemplateForm
from .models import DeliveryStatus, OutboundMessage, Provider
from .services import templates_for, window_closes_at

STYLES = {
    DeliveryStatus.QUEUED: "warn",
    DeliveryStatus.SENT: "ok",
    DeliveryStatus.DELIVERED: "ok",
    DeliveryStatus.READ: "ok",
    DeliveryStatus.FAILED: "bad",
}


def _delivery_mark(row: OutboundMessage) -> MessageMark:
    status = DeliveryStatus(row.status)
    title = row.error if status == DeliveryStatus.FAILED else ""
    if status == DeliveryStatus.QUEUED and row.error:
        title = _("Trying again: %(error)s") % {"error": row.error}
    label = str(_("Not delivered") if status == DeliveryStatus.FAILED else status.label)
    if row.part:
        label = _("%(file)s: %(status)s") % {"file": row.file_name, "status": label}
    return MessageMark(label, STYLES[status], title)


def message_marks(messages: list[Any]) -> dict[int, list[MessageMark]]:
    ids = [m.pk for m in messages if m.channel in Provider.values]
    if not ids:
        return {}
    marks: dict[int, list[MessageMark]] = {}
    for message_id, rows in selectors.outbound_for_messages(ids).items():
        for row in rows:
            marks.setdefault(message_id, []).append(_delivery_mark(row))
    for message_id, fetches in selectors.media_for_messages(ids).items():
        for fetch in fetches:
            text = _("File not received: %(name)s") if fetch.failed else _("Fetching file: %(name)s")
            marks.setdefault(message_id, []).append(
                MessageMark(text % {"name": fetch.filename}, "bad" if fetch.failed else "warn", fetch.error)
            )
    return marks


def messaging_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    if ticket.channel not in Provider.values:
        return None
    mentions = {
        "mentions": selectors.known_customers_mentioned(ticket),
        "merge_url": reverse("tickets:customer_merge", args=[ticket.pk]),
    }
    if ticket.channel != Provider.WHATSAPP:
        return {"whatsapp": False, **mentions}
    closes = window_closes_at(ticket)
    templates = templates_for(ticket)
    return {
        "whatsapp": True,
        **mentions,
        "window_closes_at": closes,
        "window_open": closes is not None and timezone.now() < closes,
        "template_form": TemplateForm(templates=templates, prefix="template") if templates else None,
        "templates": templates,
        "template_url": reverse("messaging:template_send", args=[ticket.pk]),
    }
