"""How agents work: macro uses in the period (MacroUse) and the tickets of each tag (tickets created
in the period, by the tags they carry now). One grouped query each."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from tickets.models import MacroUse, TicketTag
from tickets.selectors import OPEN_STATUS_VALUES

from ..access import Paths, ReportFilters
from .links import queue_url
from .tables import TEXT, Chart, Column, Table

# A macro's use belongs to the agent who applied it, and to its ticket's team, category, country, channel.
MACRO_USE_PATHS: Paths = {
    "team": "ticket__team_id",
    "agent": "actor_id",
    "category": "ticket__category_id",
    "country": "ticket__customer__country",
    "channel": "ticket__channel",
}
TAG_PATHS: Paths = {
    "team": "ticket__team_id",
    "agent": "ticket__assignee_id",
    "category": "ticket__category_id",
    "country": "ticket__customer__country",
    "channel": "ticket__channel",
}
CHARTED = 15


def macro_usage(filters: ReportFilters) -> Table:
    period = filters.period
    found = (
        MacroUse.objects.filter(used_at__gte=period.start, used_at__lt=period.end)
        .filter(filters.q(MACRO_USE_PATHS))
        .values("macro__name")
        .annotate(uses=Count("id"), tickets=Count("ticket_id", distinct=True), agents=Count("actor_id", distinct=True))
        .order_by("-uses", "macro__name")
    )
    rows = [
        {"macro": g["macro__name"], "uses": g["uses"], "tickets": g["tickets"], "agents": g["agents"]} for g in found
    ]
    return Table(
        name="macro_usage",
        title=_("Macro usage"),
        columns=[
            Column("macro", _("Macro"), TEXT),
            Column("uses", _("Times used")),
            Column("tickets", _("Tickets")),
            Column("agents", _("Agents")),
        ],
        rows=rows,
        total={"macro": "", "uses": sum(r["uses"] for r in rows), "tickets": None, "agents": None},
        chart=Chart("bar", "macro", ("uses",), unit="count", horizontal=True, limit=CHARTED),
        note=_("Each time an agent applied a macro to a ticket in the period, on its own or in bulk."),
    )


def tickets_per_tag(filters: ReportFilters) -> Table:
    period = filters.period
    found = (
        TicketTag.objects.filter(ticket__created_at__gte=period.start, ticket__created_at__lt=period.end)
        .filter(filters.q(TAG_PATHS))
        .values("tag__name")
        .annotate(
            tickets=Count("ticket_id"), still_open=Count("ticket_id", filter=Q(ticket__status__in=OPEN_STATUS_VALUES))
        )
        .order_by("-tickets", "tag__name")
    )

    def row(group: dict[str, Any]) -> dict[str, Any]:
        name = group["tag__name"]
        return {
            "tag": name,
            "tickets": group["tickets"],
            "open": group["still_open"],
            "link": queue_url(filters, tag=name),
        }

    rows = [row(g) for g in found]
    return Table(
        name="tags",
        title=_("Tickets per tag"),
        columns=[Column("tag", _("Tag"), TEXT), Column("tickets", _("Tickets")), Column("open", _("Still open"))],
        rows=rows,
        chart=Chart("bar", "tag", ("tickets", "open"), unit="count", horizontal=True, limit=CHARTED),
        note=_("Tickets created in the period, by the tags they carry now."),
        link_column="tag",
    )
