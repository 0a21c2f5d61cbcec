"""Each figure computed on the known helpdesk of conftest.py, compared with values worked out by
hand (percentiles interpolate as PostgreSQL's percentile_cont: position p * (n - 1))."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from .helpers import dashboard, rounded, rows_by, total

pytestmark = pytest.mark.django_db

MIN, HOUR = 60, 3600


def test_first_response_time_median_and_90th_percentile(client, helpdesk, actors):
    # Given the answered tickets created in the period: 2, 4, 6, 12 min in Europe and 30 min in America
    # When an administrator and the Europe supervisor open the dashboard
    everyone = total(dashboard(client, actors.admin), "first_response")
    europe = total(dashboard(client, actors.supervisor), "first_response")
    # Then the median and p90 are those of the values each may see
    assert (everyone["count"], everyone["median"], rounded(everyone["p90"])) == (5, 6 * MIN, 22.8 * MIN)
    assert (europe["count"], europe["median"], rounded(europe["p90"])) == (4, 5 * MIN, 10.2 * MIN)


def test_first_response_trend_by_day_of_creation(client, helpdesk, actors):
    tables = dashboard(client, actors.supervisor)
    days = rows_by(tables, "first_response", "day")
    assert (days[date(2026, 3, 2)]["count"], days[date(2026, 3, 2)]["median"]) == (2, 3 * MIN)
    assert (days[date(2026, 3, 3)]["count"], days[date(2026, 3, 3)]["median"]) == (2, 9 * MIN)
    # An unanswered ticket counts as created, without a time
    assert (days[date(2026, 3, 4)]["count"], days[date(2026, 3, 4)]["median"]) == (0, None)
    assert len(days) == 30  # every day of the period, empty ones too
    volume = rows_by(tables, "volume", "day")
    assert (volume[date(2026, 3, 4)]["created"], volume[date(2026, 3, 4)]["solved"]) == (1, 1)  # T5; T3 solved


def test_resolution_time_of_tickets_solved_in_the_period(client, helpdesk, actors):
    # Given solves of 4 h, 10 h, 20 h (Europe) and 2 h (America); T7's 50 h solve is before the period
    everyone = total(dashboard(client, actors.admin), "resolution")
    europe = total(dashboard(client, actors.supervisor), "resolution")
    assert (everyone["count"], everyone["median"], rounded(everyone["p90"])) == (4, 7 * HOUR, 17 * HOUR)
    assert (europe["count"], europe["median"], rounded(europe["p90"])) == (3, 10 * HOUR, 18 * HOUR)
    # T3 was solved at 23:00 UTC, 07:00 the next morning in the support centre: a solve of 03-04
    days = rows_by(dashboard(client, actors.supervisor), "resolution", "day")
    assert days[date(2026, 3, 4)]["median"] == 20 * HOUR
    assert days[date(2026, 3, 2)]["median"] == 7 * HOUR


def test_sla_compliance_counts_breaches_and_late_responses_not_running_clocks(client, helpdesk, actors):
    europe = total(dashboard(client, actors.supervisor), "sla")
    # First response: T1 in time; T2 late (no breach row, met after its deadline), T3 and T5 breached, T4 late
    assert (europe["fr_met"], europe["fr_missed"], europe["fr_rate"]) == (1, 4, 0.2)
    # Resolution: T1 in time, T2 in time thanks to 3 h paused, T3 breached; T4 still running
    assert (europe["res_met"], europe["res_missed"], rounded(europe["res_rate"])) == (2, 1, 0.6667)
    everyone = total(dashboard(client, actors.admin), "sla")
    assert (everyone["fr_met"], everyone["fr_missed"], everyone["res_met"], everyone["res_missed"]) == (1, 5, 3, 1)


def test_backlog_by_status_and_age(client, helpdesk, actors):
    tables = dashboard(client, actors.supervisor)
    rows = rows_by(tables, "backlog", "status")
    # New: T5 (16 days) and T10 (69 days); open: T4 (17 days), T9 (2 days); pending: T8 (6 hours)
    assert [rows["New"][k] for k in ("age_0", "age_1", "age_3", "age_7", "age_30", "total")] == [0, 0, 0, 1, 1, 2]
    assert [rows["Open"][k] for k in ("age_0", "age_1", "age_3", "age_7", "age_30", "total")] == [0, 1, 0, 1, 0, 2]
    assert [rows["Pending"][k] for k in ("age_0", "age_1", "age_3", "age_7", "age_30", "total")] == [1, 0, 0, 0, 0, 1]
    assert total(tables, "backlog")["total"] == 5
    assert total(dashboard(client, actors.admin), "backlog")["total"] == 6  # and America's T11


def test_csat_and_response_rate(client, helpdesk, actors):
    europe = total(dashboard(client, actors.supervisor), "csat")
    # Sent in the period: T1 (5), T2 (2), T3 (no answer); T7's survey was before
    assert (europe["sent"], europe["answered"], europe["satisfied"]) == (3, 2, 1)
    assert (europe["csat"], rounded(europe["response_rate"])) == (0.5, 0.6667)
    everyone = total(dashboard(client, actors.admin), "csat")
    assert (everyone["sent"], everyone["answered"], everyone["satisfied"]) == (4, 3, 2)


def test_csat_agrees_with_the_feedback_apps_own_report(client, helpdesk, actors, teams):
    from feedback.selectors import csat_report
    from reports.periods import Period

    period = Period.default()
    (reference,) = csat_report(by="team", start=period.start, end=period.end, team_id=teams.europe.pk)
    ours = total(dashboard(client, actors.supervisor), "csat")
    assert (ours["sent"], ours["answered"], ours["csat"]) == (
        reference["sent"],
        reference["responses"],
        reference["csat"],
    )


def test_compensation_by_kind_and_tier_and_share_of_order_value(client, helpdesk, actors):
    tables = dashboard(client, actors.supervisor)
    by_kind = {row["group"]: (row["count"], row["usd"]) for row in tables["compensation_kind"].rows}
    # Approved in the period only: not the rejected return (T4), nor the pending ones, nor T7's gift
    assert by_kind == {
        "Partial refund": (1, Decimal("40.00")),
        "Full refund": (1, Decimal("120.00")),
        "Coupon": (1, Decimal("10.00")),
        "Free return or exchange": (1, Decimal("15.00")),
    }
    by_tier = {row["group"]: (row["count"], row["usd"]) for row in tables["compensation_tier"].rows}
    assert by_tier == {"L1 junior": (2, Decimal("50.00")), "L2 intermediate": (2, Decimal("135.00"))}
    assert total(tables, "compensation_kind")["usd"] == Decimal("185.00")
    # Orders once each, in USD at the request's rate: EUR 100 / 0.8 + USD 200 + GBP 150 / 0.75 = 525
    share = tables["order_share"].rows[0]
    assert (share["orders"], share["granted"], share["value"]) == (3, Decimal("185.00"), Decimal("525.00"))
    assert rounded(share["share"]) == round(185 / 525, 4)


def test_approvals_waiting_and_time_to_decide(client, helpdesk, actors):
    europe = total(dashboard(client, actors.supervisor), "approvals")
    # Waiting: the gift asked 60 minutes ago (over 30) and a refund asked 10 minutes ago
    assert (europe["waiting"], europe["overdue"]) == (2, 1)
    assert europe["oldest"].isoformat() == "2026-03-20T11:00:00+00:00"
    # Decided by a supervisor: approved in 20 minutes, rejected in 60; automatic approvals left out
    assert (europe["decided"], europe["approved"], europe["median"], europe["p90"]) == (2, 1, 40 * MIN, 56 * MIN)
    assert europe["in_time_rate"] == 0.5


def test_logistics_exceptions_by_carrier_and_destination_country(client, helpdesk, actors):
    europe = {
        (r["carrier"], r["country"]): (r["count"], r["open"])
        for r in dashboard(client, actors.supervisor)["logistics"].rows
    }
    assert europe == {("DHL", "DE"): (2, 1), ("La Poste", "FR"): (1, 1)}
    everyone = {(r["carrier"], r["country"]): r["count"] for r in dashboard(client, actors.admin)["logistics"].rows}
    # The administrator also sees America's parcel and the one no ticket was opened for
    assert everyone == {("DHL", "DE"): 3, ("La Poste", "FR"): 1, ("USPS", "US"): 1}


def test_return_and_exchange_rate_by_category(client, helpdesk, actors):
    europe = rows_by(dashboard(client, actors.supervisor), "return_exchange", "category")
    # Product: T1, T2, T8 created, T2 got an approved free return; T4's was rejected
    assert (europe["Product"]["created"], europe["Product"]["returned"]) == (3, 1)
    assert rounded(europe["Product"]["rate"]) == 0.3333
    assert (europe["Logistics"]["returned"], europe["Logistics"]["rate"]) == (0, 0.0)
    everyone = rows_by(dashboard(client, actors.admin), "return_exchange", "category")
    # Other: T5, T9 and America's T6 (which got one) and T11
    assert (everyone["Other"]["created"], everyone["Other"]["returned"]) == (4, 1)
