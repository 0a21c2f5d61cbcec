"""The figures side by side per team, agent, category, country or channel, from the queries the
other figures make anyway (first response and resolution live, SLA and CSAT from the summary)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tickets.models import Channel

from ..access import ReportFilters
from .durations import DurationFigures, DurationStats
from .links import queue_url
from .summary import SummaryFigures
from .tables import RATIO, SECONDS, TEXT, Chart, Column, Table, ratio

QUEUE_PARAMETER = {"agent": "assignee", "category": "category", "country": "country", "channel": "channel"}


def breakdown(
    filters: ReportFilters,
    by: str,
    labels: dict[Any, str],
    first: DurationFigures,
    solved: DurationFigures,
    summary: SummaryFigures,
) -> Table:
    """`labels` names the groups (team, agent and category names, as loaded for the filters)."""
    labels = {**labels, **{value: str(label) for value, label in Channel.choices}} if by == "channel" else labels
    empty = DurationStats()
    keys = {*first.by_group, *solved.by_group, *summary.by_group}

    def row(key: Any) -> dict[str, Any]:
        fr, res = first.by_group.get(key, empty), solved.by_group.get(key, empty)
        m = summary.by_group.get(key, {})
        fr_met, fr_missed = m.get("first_response_met", 0), m.get("first_response_missed", 0)
        res_met, res_missed = m.get("resolution_met", 0), m.get("resolution_missed", 0)
        parameter = QUEUE_PARAMETER.get(by)
        return {
            "group": str(labels.get(key, key)) if key not in (None, "") else str(_("None")),
            "created": fr.count,
            "fr_median": fr.median,
            "fr_p90": fr.p90,
            "solved": res.count,
            "res_median": res.median,
            "fr_rate": ratio(fr_met, fr_met + fr_missed),
            "res_rate": ratio(res_met, res_met + res_missed),
            "csat": ratio(m.get("surveys_satisfied", 0), m.get("surveys_answered", 0)),
            "link": queue_url(filters, **{parameter: key}) if parameter and key not in (None, "") else "",
        }

    rows = sorted((row(key) for key in keys), key=lambda r: (-r["created"], r["group"]))
    title = {
        "team": _("By team"),
        "agent": _("By agent"),
        "category": _("By category"),
        "country": _("By country"),
        "channel": _("By channel"),
    }[by]
    return Table(
        name="breakdown",
        title=title,
        columns=[
            Column("group", _("Group"), TEXT),
            Column("created", _("Created")),
            Column("fr_median", _("First response, median"), SECONDS),
            Column("fr_p90", _("First response, 90th percentile"), SECONDS),
            Column("solved", _("Solved")),
            Column("res_median", _("Resolution, median"), SECONDS),
            Column("fr_rate", _("First response compliance"), RATIO),
            Column("res_rate", _("Resolution compliance"), RATIO),
            Column("csat", _("CSAT"), RATIO),
        ],
        rows=rows,
        chart=Chart("bar", "group", ("fr_rate", "res_rate"), unit="percent", limit=20),
        note=_("Agents are the tickets' current assignees; survey figures count the agent who solved the ticket."),
        link_column="group",
    )
