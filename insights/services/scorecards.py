"""The agents' daily figures, rewritten for a range of days (in the support centre's zone) by one
DELETE and one INSERT ... SELECT in a transaction: running it twice, or for a day already done,
gives the same rows.

What a day counts, per agent (the ticket's assignee unless said otherwise) and the ticket's team:
- first responses given that day, and the seconds from the customer's first message (or the ticket's
  creation) to each;
- tickets solved that day, and the seconds from creation to solve;
- SLA targets (first response, resolution) met or missed that day;
- tickets reopened that day (a solved ticket back to open or pending);
- survey answers received that day for tickets the agent solved (their rating; 4 or 5 is satisfied);
- compensation granted that day (USD) on requests the agent made.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from feedback.models import SurveyResponse
from policies.models import CompensationGrant, CompensationRequest
from tickets.history import TicketEventKind
from tickets.models import OPEN_STATUSES, Metric, SlaClock, Status, Ticket, TicketEvent

from ..models import AgentDailyStats

MEASURES = [
    "first_responses",
    "first_response_seconds",
    "solved",
    "resolution_seconds",
    "sla_met",
    "sla_missed",
    "reopened",
    "ratings",
    "rating_sum",
    "satisfied",
    "compensation_usd",
]


def _facts(q: dict[str, str]) -> list[tuple[str, str, str, str, dict[str, str]]]:
    """(moment, agent, team, from-and-where, measures) of each kind of fact."""
    return [
        (
            "t.first_response_at",
            "t.assignee_id",
            "t.team_id",
            f"{q['ticket']} t WHERE t.first_response_at >= %(start)s AND t.first_response_at < %(end)s",
            {
                "first_responses": "1",
                "first_response_seconds": q["seconds"].format(
                    a="t.first_response_at", b="COALESCE(t.first_customer_message_at, t.created_at)"
                ),
            },
        ),
        (
            "t.solved_at",
            "t.assignee_id",
            "t.team_id",
            f"{q['ticket']} t WHERE t.solved_at >= %(start)s AND t.solved_at < %(end)s",
            {"solved": "1", "resolution_seconds": q["seconds"].format(a="t.solved_at", b="t.created_at")},
        ),
        (
            "c.met_at",
            "t.assignee_id",
            "t.team_id",
            f"{q['clock']} c JOIN {q['ticket']} t ON t.id = c.ticket_id WHERE c.met_at >= %(start)s "
            "AND c.met_at < %(end)s AND c.breached_at IS NULL AND c.metric IN (%(fr)s, %(res)s)",
            {"sla_met": "1"},
        ),
        (
            "c.breached_at",
            "t.assignee_id",
            "t.team_id",
            f"{q['clock']} c JOIN {q['ticket']} t ON t.id = c.ticket_id WHERE c.breached_at >= %(start)s "
            "AND c.breached_at < %(end)s AND c.metric IN (%(fr)s, %(res)s)",
            {"sla_missed": "1"},
        ),
        (
            "e.created_at",
            "t.assignee_id",
            "t.team_id",
            f"{q['event']} e JOIN {q['ticket']} t ON t.id = e.ticket_id WHERE e.created_at >= %(start)s "
            "AND e.created_at < %(end)s AND e.kind = %(status_kind)s AND e.old_value = %(solved)s "
            f"AND e.new_value IN ({q['open']})",
            {"reopened": "1"},
        ),
        (
            "s.created_at",
            "s.agent_id",
            "s.team_id",
            f"{q['survey']} s WHERE s.created_at >= %(start)s AND s.created_at < %(end)s",
            {"ratings": "1", "rating_sum": "s.rating", "satisfied": "CASE WHEN s.rating >= 4 THEN 1 ELSE 0 END"},
        ),
        (
            "g.created_at",
            "r.requested_by_id",
            "t.team_id",
            f"{q['grant']} g JOIN {q['request']} r ON r.id = g.request_id JOIN {q['ticket']} t ON t.id = g.ticket_id "
            "WHERE g.created_at >= %(start)s AND g.created_at < %(end)s",
            {"compensation_usd": "g.amount_usd"},
        ),
    ]


def _statement() -> str:
    quote = connection.ops.quote_name
    tables = {
        "ticket": Ticket,
        "clock": SlaClock,
        "event": TicketEvent,
        "survey": SurveyResponse,
        "grant": CompensationGrant,
        "request": CompensationRequest,
    }
    q = {key: quote(model._meta.db_table) for key, model in tables.items()}
    q["open"] = ", ".join(f"%(open{n})s" for n in range(len(OPEN_STATUSES)))
    if connection.vendor == "postgresql":
        q["seconds"] = "CAST(EXTRACT(EPOCH FROM ({a} - {b})) AS bigint)"
        day = "CAST(({m} AT TIME ZONE %(zone)s) AS date)"
    else:  # SQLite (the quick start): days in UTC
        q["seconds"] = "CAST((julianday({a}) - julianday({b})) * 86400 AS integer)"
        day = "DATE({m})"
    parts = []
    for moment, agent, team, source, measures in _facts(q):
        values = ", ".join(f"{measures.get(m, '0')} AS {m}" for m in MEASURES)
        parts.append(
            f"SELECT {day.format(m=moment)} AS day, {agent} AS agent_id, {team} AS team_id, {values} "  # noqa: S608
            f"FROM {source} AND {agent} IS NOT NULL"
        )
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    return (
        f"INSERT INTO {quote(AgentDailyStats._meta.db_table)} (day, agent_id, team_id, {', '.join(MEASURES)}) "  # noqa: S608
        f"SELECT day, agent_id, team_id, {sums} FROM ({' UNION ALL '.join(parts)}) AS facts "
        "GROUP BY day, agent_id, team_id"
    )


def support_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.SUPPORT_TIME_ZONE)


def support_today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now(), support_zone())


@transaction.atomic
def scorecards_refresh(*, first: date, last: date) -> int:
    """Rewrite the daily figures of the days first..last (support centre's days); returns rows written."""
    zone = support_zone()
    params: dict[str, Any] = {
        "start": datetime.combine(first, time(0), tzinfo=zone),
        "end": datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone),
        "zone": settings.SUPPORT_TIME_ZONE,
        "fr": Metric.FIRST_RESPONSE.value,
        "res": Metric.RESOLUTION.value,
        "status_kind": TicketEventKind.STATUS.value,
        "solved": Status.SOLVED.value,
        **{f"open{n}": s.value for n, s in enumerate(OPEN_STATUSES)},
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # two refreshes at once take turns
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('insights.scorecards'))")
        AgentDailyStats.objects.filter(day__gte=first, day__lte=last).delete()
        cursor.execute(_statement(), params)
        return cursor.rowcount


def scorecards_refresh_recent(now: datetime | None = None) -> int:
    """Yesterday and today: what the beat runs (late survey answers and grants land on their own day)."""
    today = support_today(now)
    return scorecards_refresh(first=today - timedelta(days=1), last=today)
