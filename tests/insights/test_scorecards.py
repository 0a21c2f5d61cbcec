"""A small week built by hand: the scorecards show each agent's first response, resolution, SLA
compliance, reopen rate, CSAT and compensation; an agent sees only their own."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from insights.models import AgentDailyStats
from insights.selectors import ScorecardScope, scorecard_rows
from insights.services.scorecards import scorecards_refresh
from insights.tasks import refresh_scorecards
from tests.factories import TicketFactory
from tickets.models import Metric, SlaClock, Ticket, TicketEvent

from .helpers import grant, rate

pytestmark = pytest.mark.django_db

MONDAY, SUNDAY = date(2026, 3, 2), date(2026, 3, 8)


@pytest.fixture
def clock_start():
    return datetime(2026, 3, 4, 4, 0, tzinfo=UTC)  # Wednesday noon in the support centre (Asia/Shanghai)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def ticket(agent, team, created, first_response=None, solved=None):
    made = TicketFactory(assignee=agent, team=team, customer__country="DE")
    Ticket.objects.filter(pk=made.pk).update(
        created_at=created, first_customer_message_at=created, first_response_at=first_response, solved_at=solved
    )
    made.refresh_from_db()
    return made


@pytest.fixture
def week(clock, actors, teams):
    europe, l1, l2 = teams.europe, actors.l1, actors.l2
    # l1: answered in 10 and 30 minutes (20 on average); one solved in 2 hours, then reopened.
    a = ticket(l1, europe, at(2, 2), first_response=at(2, 2, 10), solved=at(2, 4))
    b = ticket(l1, europe, at(3, 2), first_response=at(3, 2, 30))
    SlaClock.objects.create(
        ticket=a, metric=Metric.FIRST_RESPONSE, target_minutes=15, started_at=at(2, 2), met_at=at(2, 2, 10)
    )
    SlaClock.objects.create(
        ticket=a, metric=Metric.RESOLUTION, target_minutes=1440, started_at=at(2, 2), met_at=at(2, 4)
    )
    SlaClock.objects.create(
        ticket=b,
        metric=Metric.FIRST_RESPONSE,
        target_minutes=5,
        started_at=at(3, 2),
        breached_at=at(3, 2, 5),
        met_at=at(3, 2, 30),
    )
    event = TicketEvent.objects.create(ticket=a, actor=None, kind="status", old_value="solved", new_value="open")
    TicketEvent.objects.filter(pk=event.pk).update(created_at=at(3, 3))
    rate(a, 5, agent=l1)
    rate(b, 3, agent=l1)
    grant(a, "coupon", "25.00", by=l1, at=at(3, 5))
    # l2: answered in an hour.
    ticket(l2, europe, at(2, 2), first_response=at(2, 3))
    return actors


def test_an_agents_week_matches_the_figures_computed_by_hand(week):
    scorecards_refresh(first=MONDAY, last=SUNDAY)

    [row] = scorecard_rows(ScorecardScope(agent_id=week.l1.pk), first=MONDAY, last=SUNDAY, by=("agent",))

    assert row["first_responses"] == 2
    assert row["first_response_avg"] == 20 * 60
    assert (row["solved"], row["resolution_avg"]) == (1, 2 * 3600)
    assert row["sla_compliance"] == pytest.approx(2 / 3)  # two targets met, one missed
    assert row["reopen_rate"] == 1.0
    assert row["csat"] == 0.5  # a 5 and a 3
    assert row["compensation_usd"] == Decimal("25.00")


def test_refreshing_again_gives_the_same_rows(week):
    scorecards_refresh(first=MONDAY, last=SUNDAY)
    before = list(AgentDailyStats.objects.order_by("day", "agent_id").values())
    scorecards_refresh(first=MONDAY, last=SUNDAY)
    after = list(AgentDailyStats.objects.order_by("day", "agent_id").values())

    assert [{k: v for k, v in r.items() if k != "id"} for r in before] == [
        {k: v for k, v in r.items() if k != "id"} for r in after
    ]


def test_the_workers_refresh_yesterday_and_today(week):
    refresh_scorecards()  # on Wednesday: Tuesday (ticket b, the reopen, the grant) and Wednesday (the ratings)

    assert set(AgentDailyStats.objects.values_list("day", flat=True)) == {date(2026, 3, 3), date(2026, 3, 4)}
    assert not AgentDailyStats.objects.filter(agent=week.l2).exists()  # l2's only answer was on Monday


def test_an_agent_sees_their_own_scorecard_only(week, client):
    scorecards_refresh(first=MONDAY, last=SUNDAY)
    client.force_login(week.l1)

    page = client.get("/insights/scorecards/").content.decode()
    csv = client.get("/insights/scorecards.csv").content.decode()

    assert week.l1.first_name in page
    assert week.l2.first_name not in page
    assert "l1" in csv
    assert "l2" not in csv.split("\n", 1)[1]


def test_a_supervisor_sees_the_teams_agents_and_trend(week, client):
    scorecards_refresh(first=MONDAY, last=SUNDAY)
    client.force_login(week.supervisor)

    page = client.get("/insights/scorecards/").content.decode()

    assert week.l1.first_name in page and week.l2.first_name in page
    assert "Europe" in page
    assert "2026-03-02" in page  # the week in the trend


def test_an_agent_of_another_team_sees_nothing_of_europe(week, client):
    scorecards_refresh(first=MONDAY, last=SUNDAY)
    client.force_login(week.other_team_agent)

    page = client.get("/insights/scorecards/").content.decode()

    assert week.l1.first_name not in page


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "我的考评卡")])  # the agents' languages (AGENT_LANGUAGES)
def test_the_scorecard_speaks_the_agents_language(week, client, language, title):
    from tickets.models import AgentProfile

    AgentProfile.objects.filter(user=week.l1).update(ui_language=language)
    client.force_login(week.l1)

    page = client.get("/insights/scorecards/").content.decode()

    assert title in page
    assert "My scorecard" not in page
