from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from helpdesk import roles


def customer_data_context(request: HttpRequest, ticket: Any) -> dict[str, Any] | None:
    """Supervisors and admins reach the customer's data page (export, erasure) from the ticket."""
    if not roles.is_supervisor(request.user):
        return None
    return {"privacy_customer": ticket.customer}
