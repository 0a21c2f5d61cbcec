"""The filters (team, agent, category, country, channel, period, trend step) change the figures as a
supervisor would expect, on the known helpdesk of conftest.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from .helpers import dashboard, rounded, rows_by, total

pytestmark = pytest.mark.django_db

MIN, HOUR = 60, 3600


def test_team_filter(client, helpdesk, actors, teams):
    # When the administrator picks North America
    tables = dashboard(client, actors.admin, team=teams.america.pk)
    # Then only T6 counts (and T11 in the backlog)
    fr = total(tables, "first_response")
    assert (fr["count"], fr["median"]) == (1, 30 * MIN)
    sla = total(tables, "sla")
    assert (sla["fr_met"], sla["fr_missed"], sla["res_met"], sla["res_missed"]) == (0, 1, 1, 0)
    assert total(tables, "backlog")["total"] == 1
    assert total(tables, "compensation_kind")["usd"] == Decimal("58.00")
    assert total(tables, "csat")["sent"] == 1


def test_agent_filter(client, helpdesk, actors):
    tables = dashboard(client, actors.supervisor, agent=actors.l1.pk)
    fr = total(tables, "first_response")
    # T1, T2 and T4 are assigned to l1: 2, 4 and 12 minutes
    assert (fr["count"], fr["median"], rounded(fr["p90"])) == (3, 4 * MIN, 10.4 * MIN)
    csat = total(tables, "csat")
    assert (csat["sent"], csat["answered"], csat["satisfied"]) == (2, 2, 1)
    # Compensation counts for the agent who asked for it
    assert total(tables, "compensation_kind")["usd"] == Decimal("50.00")
    assert total(tables, "backlog")["total"] == 2  # T4 open, T8 pending
    assert total(tables, "approvals")["waiting"] == 1  # l1's gift


def test_category_filter(client, helpdesk, actors, categories):
    tables = dashboard(client, actors.supervisor, category=categories.product.pk)
    fr = total(tables, "first_response")
    assert (fr["median"], rounded(fr["p90"])) == (3 * MIN, 3.8 * MIN)
    assert list(rows_by(tables, "return_exchange", "category")) == ["Product"]
    assert total(tables, "compensation_kind")["usd"] == Decimal("65.00")


def test_country_filter(client, helpdesk, actors):
    tables = dashboard(client, actors.supervisor, country="FR")
    fr = total(tables, "first_response")
    assert (fr["median"], rounded(fr["p90"])) == (9 * MIN, 11.4 * MIN)
    assert (total(tables, "sla")["fr_met"], total(tables, "sla")["fr_missed"]) == (0, 2)
    assert [(r["carrier"], r["count"]) for r in tables["logistics"].rows] == [("La Poste", 1)]
    assert total(tables, "backlog")["total"] == 1  # T4


def test_channel_filter(client, helpdesk, actors):
    tables = dashboard(client, actors.supervisor, channel="email")
    fr = total(tables, "first_response")
    assert (fr["median"], rounded(fr["p90"])) == (5 * MIN, 5.8 * MIN)
    assert total(tables, "resolution")["median"] == 15 * HOUR
    assert (total(tables, "sla")["fr_met"], total(tables, "sla")["fr_missed"]) == (0, 2)


def test_period_filter(client, helpdesk, actors):
    tables = dashboard(client, actors.supervisor, date_from="2026-03-02", date_to="2026-03-02")
    assert total(tables, "first_response")["median"] == 3 * MIN
    assert total(tables, "resolution")["median"] == 7 * HOUR
    csat = total(tables, "csat")
    assert (csat["sent"], csat["csat"]) == (0, None)  # nothing sent that day: no CSAT rather than 0 %
    assert total(tables, "compensation_kind")["usd"] == Decimal("55.00")
    assert [row["day"] for row in tables["first_response"].rows] == [date(2026, 3, 2)]
    # The backlog is now, whatever the period
    assert total(tables, "backlog")["total"] == 5


def test_weekly_trend(client, helpdesk, actors):
    tables = dashboard(client, actors.supervisor, step="week")
    weeks = rows_by(tables, "first_response", "day")
    assert all(day.weekday() == 0 for day in weeks)
    assert (weeks[date(2026, 3, 2)]["count"], weeks[date(2026, 3, 2)]["median"]) == (4, 5 * MIN)
    assert rows_by(tables, "sla", "day")[date(2026, 3, 2)]["fr_missed"] == 4


def test_a_long_period_trends_by_week_by_itself(client, helpdesk, actors):
    tables = dashboard(client, actors.supervisor, date_from="2025-12-01", date_to="2026-03-20")
    assert all(row["day"].weekday() == 0 for row in tables["first_response"].rows)
    assert total(tables, "first_response")["count"] == 5  # T7 of January now counts


def test_a_period_ending_before_it_starts_is_refused_with_a_message(client, helpdesk, actors):
    client.force_login(actors.supervisor)
    response = client.get("/reports/", {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert "The end of the period comes before its start." in response.content.decode()
    # and the default period is shown meanwhile
    assert response.context["filters"].period.days == 30


def test_an_unknown_value_is_reported_and_ignored(client, helpdesk, actors):
    client.force_login(actors.supervisor)
    response = client.get("/reports/", {"channel": "pigeon", "category": "not-a-number"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"channel", "category"}
    tables = {f["table"].name: f["table"] for f in response.context["figures"]}
    assert total(tables, "volume")["created"] == 7  # every Europe ticket of the period
