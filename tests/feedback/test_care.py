"""Customer care: a rating of 1 or 2 becomes a call-back task for the team's supervisors, who
see it at care/ (their team only), are notified in the app, and record the outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import CareFollowUp, CareOutcome
from helpdesk import roles
from tests.factories import make_staff
from tickets.models import Status, TicketEvent
from workspace.models import Notification

pytestmark = pytest.mark.django_db


def test_a_low_rating_opens_a_follow_up_for_the_teams_supervisor(sent_survey, actors, client):
    # Given a solved ticket's survey; When the customer rates it 2 with a comment
    invitation, token = sent_survey()
    answered_at = invitation.sent_at
    client.post(reverse("feedback:survey", args=[token]), {"rating": "2", "comment": "Took far too long."})

    # Then a follow-up is due within a day (Tuesday, a business day)
    follow_up = CareFollowUp.objects.get()
    assert follow_up.is_open and follow_up.team == invitation.team
    assert follow_up.due_at == answered_at + timedelta(hours=24)
    assert follow_up.response.comment == "Took far too long."
    # and the team's supervisor, not the agents, gets an in-app notice pointing at it
    notice = Notification.objects.get()
    assert notice.user == actors.supervisor
    assert notice.url == reverse("feedback:care_detail", args=[follow_up.pk])
    assert invitation.ticket.reference in notice.text


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_a_rating_of_3_or_more_opens_no_follow_up(sent_survey, rating):
    invitation, _token = sent_survey()
    services.survey_respond(invitation=invitation, rating=rating)
    assert not CareFollowUp.objects.exists()
    assert not Notification.objects.exists()


def test_changing_the_answer_keeps_one_follow_up_and_one_notice(sent_survey):
    invitation, _token = sent_survey()
    services.survey_respond(invitation=invitation, rating=4)
    services.survey_respond(invitation=invitation, rating=1)
    services.survey_respond(invitation=invitation, rating=2)
    assert CareFollowUp.objects.count() == 1
    assert Notification.objects.count() == 1
    assert CareFollowUp.objects.get().response.rating == 2


def test_a_follow_up_due_on_a_weekend_is_due_on_monday(sent_survey, clock):
    invitation, _token = sent_survey()
    # Friday 6 March 2026, 08:00 UTC (16:00 in the support centre, Shanghai)
    clock.move_to(datetime(2026, 3, 6, 8, 0, tzinfo=UTC))
    services.survey_respond(invitation=invitation, rating=1)
    assert CareFollowUp.objects.get().due_at == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)


@pytest.fixture
def low_rated(sent_survey):
    invitation, _token = sent_survey()
    services.survey_respond(invitation=invitation, rating=1, comment="Nobody listened.")
    return CareFollowUp.objects.get()


def test_supervisors_see_their_teams_follow_ups_and_admins_see_all(low_rated, actors, teams, client):
    url = reverse("feedback:care_list")
    reference = low_rated.ticket.reference

    client.force_login(actors.supervisor)
    page = client.get(url)
    assert page.status_code == 200 and reference in page.content.decode()
    assert "Nobody listened." in page.content.decode()

    america_supervisor = make_staff(team=teams.america, tier="L3", group=roles.SUPERVISOR_GROUP, username="sup-am")
    client.force_login(america_supervisor)
    assert reference not in client.get(url).content.decode()
    assert client.get(reverse("feedback:care_detail", args=[low_rated.pk])).status_code == 404

    client.force_login(actors.l1)
    assert client.get(url).status_code == 403

    client.force_login(actors.admin)
    assert reference in client.get(url).content.decode()

    client.logout()
    assert client.get(url).status_code == 302


def test_the_care_list_reads_a_fixed_number_of_queries(sent_survey, actors, client, django_assert_max_num_queries):
    for _ in range(4):
        invitation, _token = sent_survey()
        services.survey_respond(invitation=invitation, rating=1, comment="Bad")
    client.force_login(actors.supervisor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("feedback:care_list"))
    assert page.content.decode().count('id="care-') == 4


def test_no_answer_keeps_the_follow_up_open_until_the_call_is_made(low_rated, actors, client, clock):
    client.force_login(actors.supervisor)
    url = reverse("feedback:care_detail", args=[low_rated.pk])

    # When the supervisor records "no answer", it stays on the list, due again a day later
    clock.shift(timedelta(hours=3))
    response = client.post(url, {"outcome": CareOutcome.NO_ANSWER, "note": "Voicemail."})
    assert response.status_code == 302
    low_rated.refresh_from_db()
    assert low_rated.is_open and low_rated.attempts == 1
    assert low_rated.due_at > low_rated.handled_at

    # When they reach the customer, it is closed with the outcome and who handled it
    client.post(url, {"outcome": CareOutcome.RESOLVED, "note": "Refund explained, customer happy."})
    low_rated.refresh_from_db()
    assert not low_rated.is_open
    assert (low_rated.outcome, low_rated.attempts, low_rated.handled_by) == ("resolved", 2, actors.supervisor)
    assert "Voicemail." in low_rated.note and "customer happy" in low_rated.note
    done = client.get(reverse("feedback:care_list"), {"show": "done"}).content.decode()
    assert low_rated.ticket.reference in done


def test_the_supervisor_may_reopen_the_ticket_through_the_status_service(low_rated, actors, client):
    client.force_login(actors.supervisor)
    client.post(reverse("feedback:care_detail", args=[low_rated.pk]), {"outcome": "reopened", "reopen": "on"})
    ticket = low_rated.ticket
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert TicketEvent.objects.filter(ticket=ticket, kind="status", new_value="open", actor=actors.supervisor).exists()


def test_an_outcome_is_required_and_agents_cannot_record_one(low_rated, actors, client):
    client.force_login(actors.supervisor)
    response = client.post(reverse("feedback:care_detail", args=[low_rated.pk]), {"outcome": ""})
    assert response.status_code == 400
    from helpdesk.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.care_record_outcome(follow_up=low_rated, outcome="resolved", actor=actors.l1)
    low_rated.refresh_from_db()
    assert low_rated.is_open
