"""The placeholders of canned replies and macros: {customer_name}, {ticket_reference}, {agent_name}
and {order_number}, filled by plain replacement (never str.format: a text can reach no attribute)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Ticket

PLACEHOLDERS = {
    "customer_name": _("the customer's name"),
    "ticket_reference": _("the ticket's reference, e.g. HD-000123"),
    "agent_name": _("your name"),
    "order_number": _("the order's number (empty without an order)"),
}


def placeholder_values(ticket: Ticket, agent: Any) -> dict[str, str]:
    return {
        "customer_name": ticket.customer.name,
        "ticket_reference": ticket.reference,
        "agent_name": (agent.get_full_name() or agent.get_username()) if agent is not None else "",
        "order_number": ticket.order.external_number if ticket.order is not None else "",
    }


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    for name in PLACEHOLDERS:
        text = text.replace("{" + name + "}", values.get(name, ""))
    return text
