"""The shipments panel of the ticket page (registered in apps.LogisticsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from helpdesk import roles

from . import selectors
from .forms import TrackingForm


def tracking_panel(request: HttpRequest, ticket: Any) -> dict[str, Any] | None:
    if not roles.is_agent(request.user):
        return None
    return {
        "shipments": selectors.shipments_for_order(ticket.order_id),
        "has_order": ticket.order_id is not None,
        "tracking_form": TrackingForm(prefix="tracking"),
        "add_url": reverse("logistics:tracking_add", args=[ticket.pk]),
    }
