"""Logistics exceptions detected in the period, by carrier and destination country (one query).

An exception belongs to the team, agent, category and channel of the ticket it opened or joined,
and to its parcel's destination country. Exceptions without a ticket count for administrators
only, and only while no team, agent, category or channel filter is set."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from logistics.models import ShipmentException

from ..access import Paths, ReportFilters
from .links import exceptions_url
from .tables import TEXT, Chart, Column, Table

EXCEPTION_PATHS: Paths = {
    "team": "ticket__team_id",
    "agent": "ticket__assignee_id",
    "category": "ticket__category_id",
    "country": "destination_country",
    "channel": "ticket__channel",
}
CHARTED = 15


def exceptions(filters: ReportFilters) -> Table:
    period = filters.period
    found = (
        ShipmentException.objects.filter(detected_at__gte=period.start, detected_at__lt=period.end)
        .filter(filters.q(EXCEPTION_PATHS))
        .values("carrier_name", "destination_country")
        .annotate(count=Count("id"), still_open=Count("id", filter=Q(resolved_at__isnull=True)))
        .order_by("-count", "carrier_name", "destination_country")
    )

    def row(group: dict[str, Any]) -> dict[str, Any]:
        carrier, country = group["carrier_name"] or "", group["destination_country"] or ""
        return {
            "carrier": carrier or "?",
            "country": country or "?",
            "label": f"{carrier or '?'} · {country or '?'}",
            "count": group["count"],
            "open": group["still_open"],
            "link": exceptions_url(carrier, country),
        }

    rows = [row(group) for group in found]
    return Table(
        name="logistics",
        title=_("Logistics exceptions by carrier and destination country"),
        columns=[
            Column("carrier", _("Carrier"), TEXT),
            Column("country", _("Destination country"), TEXT),
            Column("count", _("Exceptions")),
            Column("open", _("Still open")),
        ],
        rows=rows,
        total={
            "carrier": "",
            "country": "",
            "count": sum(r["count"] for r in rows),
            "open": sum(r["open"] for r in rows),
        },
        chart=Chart("bar", "label", ("count", "open"), unit="count", horizontal=True, limit=CHARTED),
        note=_("Exceptions detected in the period (customs, no news, failed delivery, returned, lost, damaged)."),
        link_column="carrier",
        tickets_url=exceptions_url(),
    )
