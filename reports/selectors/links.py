"""Links from a figure to the tickets behind it, in the queue's own filter parameters
(tickets.forms.QueueFilterForm: status, category, country, channel, assignee; `view` picks the
queue). The queue has no date or team filter: a link opens the matching tickets of any date, in
the viewer's own queues (a supervisor's "all" is their team's)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from tickets.selectors import STATUS_ANY, VIEW_ALL, VIEW_MINE

from ..access import ReportFilters


def queue_url(filters: ReportFilters, **params: Any) -> str:
    query: dict[str, Any] = {"view": VIEW_MINE if filters.access.personal else VIEW_ALL, "status": STATUS_ANY}
    if filters.agent_id and not filters.access.personal:
        query["assignee"] = filters.agent_id
    if filters.category_id:
        query["category"] = filters.category_id
    if filters.country:
        query["country"] = filters.country
    if filters.channel:
        query["channel"] = filters.channel
    query.update({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse('tickets:queue')}?{urlencode(query)}"


def exceptions_url(carrier: str = "", country: str = "") -> str:
    query = {k: v for k, v in (("carrier", carrier), ("country", country)) if v}
    url = reverse("logistics:exceptions")
    return f"{url}?{urlencode(query)}" if query else url


def approvals_url() -> str:
    return reverse("policies:queue")
