"""CSAT (share of answers rated 4-5) and response rate, by agent, team, category, country and
week, computed in one SQL query on a small known data set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from feedback.models import InvitationState, SurveyInvitation, SurveyResponse
from feedback.selectors import csat_report
from tests.factories import TicketFactory
from tests.feedback.factories import SurveyInvitationFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def make_ticket(**fields: Any) -> Ticket:
    return cast(Ticket, TicketFactory(**fields))


WEEK1 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
WEEK2 = WEEK1 + timedelta(days=7)


@pytest.fixture
def surveys(actors, teams, categories):
    """(agent, team, category, country, sent in week, rating or None when unanswered)."""
    rows = [
        (actors.l1, teams.europe, categories.logistics, "DE", WEEK1, 5),
        (actors.l1, teams.europe, categories.logistics, "DE", WEEK1, 4),
        (actors.l1, teams.europe, categories.logistics, "DE", WEEK1, 2),
        (actors.l1, teams.europe, categories.logistics, "DE", WEEK1, None),
        (actors.l2, teams.europe, categories.other, "FR", WEEK2, 1),
        (actors.l2, teams.europe, categories.other, "FR", WEEK2, None),
        (actors.other_team_agent, teams.america, categories.other, "US", WEEK1, 5),
        (actors.other_team_agent, teams.america, categories.other, "US", WEEK2, 5),
    ]
    for index, (agent, team, category, country, week, rating) in enumerate(rows):
        sent_at = week + timedelta(days=1, hours=index)
        ticket = make_ticket(team=team, assignee=agent, category=category, status="solved")
        invitation = SurveyInvitationFactory(
            ticket=ticket,
            due_at=sent_at,
            agent=agent,
            team=team,
            category=category,
            language="en",
            country=country,
        )
        if rating is not None:
            SurveyResponse.objects.create(
                invitation=invitation,
                ticket=ticket,
                rating=rating,
                agent=agent,
                team=team,
                language="en",
                country=country,
            )
    # Not sent yet: counts nowhere.
    SurveyInvitation.objects.create(
        ticket=make_ticket(team=teams.europe),
        solved_at=WEEK2,
        due_at=WEEK2,
        agent=actors.l1,
        team=teams.europe,
        language="en",
        country="DE",
    )


def figures(rows):
    return {
        row["label"]: (
            row["sent"],
            row["responses"],
            row["satisfied"],
            round(row["csat"] or 0, 3),
            round(row["response_rate"], 3),
        )
        for row in rows
    }


def test_csat_and_response_rate_by_agent(surveys, actors, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = csat_report(by="agent")
    assert figures(rows) == {
        "l1": (4, 3, 2, 0.667, 0.75),
        "l2": (2, 1, 0, 0.0, 0.5),
        "other": (2, 2, 2, 1.0, 1.0),
    }


def test_by_team_category_and_country(surveys, teams, categories):
    assert figures(csat_report(by="team")) == {"Europe": (6, 4, 2, 0.5, 0.667), "North America": (2, 2, 2, 1.0, 1.0)}
    assert figures(csat_report(by="category")) == {"logistics": (4, 3, 2, 0.667, 0.75), "other": (4, 3, 2, 0.667, 0.75)}
    assert figures(csat_report(by="country")) == {
        "DE": (4, 3, 2, 0.667, 0.75),
        "FR": (2, 1, 0, 0.0, 0.5),
        "US": (2, 2, 2, 1.0, 1.0),
    }
    assert figures(csat_report(by="team", team_id=teams.america.pk)) == {"North America": (2, 2, 2, 1.0, 1.0)}


def test_by_week_and_within_a_period(surveys):
    assert figures(csat_report(by="week")) == {WEEK1: (5, 4, 3, 0.75, 0.8), WEEK2: (3, 2, 1, 0.5, 0.667)}
    assert figures(csat_report(by="agent", start=WEEK2, end=WEEK2 + timedelta(days=7))) == {
        "l2": (2, 1, 0, 0.0, 0.5),
        "other": (1, 1, 1, 1.0, 1.0),
    }


def test_a_group_without_answers_has_no_csat_rather_than_zero(actors, teams):
    sent_at = WEEK1
    SurveyInvitation.objects.create(
        ticket=make_ticket(team=teams.europe),
        solved_at=sent_at,
        due_at=sent_at,
        sent_at=sent_at,
        state=InvitationState.SENT,
        agent=actors.l3,
        team=teams.europe,
        language="en",
        country="ES",
    )
    (row,) = csat_report(by="country")
    assert (row["sent"], row["responses"], row["csat"], row["response_rate"]) == (1, 0, None, 0.0)


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValueError):
        csat_report(by="planet")
