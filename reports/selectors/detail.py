"""The rows behind the figures, one per ticket or compensation request, for export: a year can be a
million rows, so they are read through a server-side cursor and written out as they come."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Case, CharField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from helpdesk.money import quantize
from policies.models import Kind
from tickets.models import Metric, SlaClock, format_reference

from ..access import ReportFilters
from ..expressions import SecondsBetween
from .durations import FIRST_RESPONSE, RESOLUTION, created_in_period, solved_in_period
from .money import granted
from .tables import MOMENT, SECONDS, TEXT, USD, Column, Table

CHUNK = 2000


def _clock_outcome(metric: str) -> Subquery:
    clocks = SlaClock.objects.filter(ticket_id=OuterRef("pk"), metric=metric).annotate(
        elapsed=SecondsBetween("met_at", "started_at"), allowed=F("paused_seconds") + F("target_minutes") * 60
    )
    outcome = Case(
        When(breached_at__isnull=False, then=Value("late")),
        When(met_at__isnull=True, then=Value("running")),
        When(elapsed__gt=F("allowed"), then=Value("late")),
        default=Value("in time"),
        output_field=CharField(),
    )
    return Subquery(clocks.annotate(outcome=outcome).values("outcome")[:1])


def tickets(filters: ReportFilters, category_names: dict[int, str], *, solved: bool = False) -> Table:
    """The tickets created in the period (first response), or solved in it (resolution)."""
    cohort = solved_in_period(filters) if solved else created_in_period(filters)
    rows = (
        cohort.annotate(
            first_response_seconds=FIRST_RESPONSE,
            resolution_seconds=Case(When(Q(solved_at__isnull=False), then=RESOLUTION), default=None),
            first_response_sla=Coalesce(_clock_outcome(Metric.FIRST_RESPONSE), Value("")),
            resolution_sla=Coalesce(_clock_outcome(Metric.RESOLUTION), Value("")),
        )
        .values(
            "id",
            "created_at",
            "team__name",
            "assignee__username",
            "category_id",
            "customer__country",
            "channel",
            "status",
            "first_response_seconds",
            "resolution_seconds",
            "first_response_sla",
            "resolution_sla",
        )
        .order_by("solved_at" if solved else "created_at", "id")
    )

    def convert(found: Iterator[Any]) -> Iterator[dict[str, Any]]:
        for row in found:
            yield {
                "reference": format_reference(row["id"]),
                "created_at": row["created_at"],
                "team": row["team__name"] or "",
                "agent": row["assignee__username"] or "",
                "category": category_names.get(row["category_id"], "") if row["category_id"] else "",
                "country": row["customer__country"] or "",
                "channel": row["channel"],
                "status": row["status"],
                "first_response": row["first_response_seconds"],
                "resolution": row["resolution_seconds"],
                "first_response_sla": row["first_response_sla"],
                "resolution_sla": row["resolution_sla"],
            }

    return Table(
        name="solved_tickets" if solved else "tickets",
        title=_("Tickets solved in the period") if solved else _("Tickets created in the period"),
        columns=[
            Column("reference", _("Ticket"), TEXT),
            Column("created_at", _("Created"), MOMENT),
            Column("team", _("Team"), TEXT),
            Column("agent", _("Agent"), TEXT),
            Column("category", _("Category"), TEXT),
            Column("country", _("Country"), TEXT),
            Column("channel", _("Channel"), TEXT),
            Column("status", _("Status"), TEXT),
            Column("first_response", _("First response"), SECONDS),
            Column("resolution", _("Resolution"), SECONDS),
            Column("first_response_sla", _("First response SLA"), TEXT),
            Column("resolution_sla", _("Resolution SLA"), TEXT),
        ],
        rows=convert(rows.iterator(chunk_size=CHUNK)),
    )


def compensation(filters: ReportFilters, category_names: dict[int, str]) -> Table:
    """The compensation granted in the period, one request each, with its ticket."""
    rows = (
        granted(filters)
        .values(
            "ticket_id",
            "decided_at",
            "kind",
            "requester_tier",
            "requested_by__username",
            "currency",
            "amount",
            "amount_usd",
            "ticket__category_id",
            "customer__country",
            "order__external_number",
        )
        .order_by("decided_at", "id")
    )
    kinds = dict(Kind.choices)

    def convert(found: Iterator[Any]) -> Iterator[dict[str, Any]]:
        for row in found:
            yield {
                "reference": format_reference(row["ticket_id"]),
                "decided_at": row["decided_at"],
                "kind": str(kinds.get(row["kind"], row["kind"])),
                "tier": row["requester_tier"],
                "agent": row["requested_by__username"] or "",
                "category": category_names.get(row["ticket__category_id"], ""),
                "country": row["customer__country"] or "",
                "order": row["order__external_number"] or "",
                "amount": f"{row['currency']} {quantize(row['amount'], row['currency'])}",
                "usd": row["amount_usd"],
            }

    return Table(
        name="compensation",
        title=_("Compensation granted in the period"),
        columns=[
            Column("reference", _("Ticket"), TEXT),
            Column("decided_at", _("Approved"), MOMENT),
            Column("kind", _("Kind"), TEXT),
            Column("tier", _("Tier"), TEXT),
            Column("agent", _("Requested by"), TEXT),
            Column("category", _("Category"), TEXT),
            Column("country", _("Country"), TEXT),
            Column("order", _("Order"), TEXT),
            Column("amount", _("Amount"), TEXT),
            Column("usd", _("Amount (USD)"), USD),
        ],
        rows=convert(rows.iterator(chunk_size=CHUNK)),
    )
