"""The survey page: opening a link records nothing, pressing the button records the answer,
answering again changes it; bad, expired and archived links get a clear page and a 4xx."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from feedback import services
from feedback.models import CareFollowUp, SurveyInvitation, SurveyResponse
from tickets import services as tickets
from tickets.models import Status

pytestmark = pytest.mark.django_db


def survey_url(token: str) -> str:
    return reverse("feedback:survey", args=[token])


def test_opening_a_rating_link_records_nothing_and_preselects_the_rating(sent_survey, client):
    # Given a survey email; When a mail scanner (or the customer) opens the "2" link
    _invitation, token = sent_survey()
    response = client.get(survey_url(token), {"rating": "2"})

    # Then the page shows the form with 2 chosen, in the ticket's language, and nothing is stored
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert 'value="2" required checked' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Wie zufrieden sind Sie mit unserer Hilfe?" in html
    assert not SurveyResponse.objects.exists()
    assert not CareFollowUp.objects.exists()
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_posting_records_the_answer_and_a_second_post_changes_it(sent_survey, client, actors):
    invitation, token = sent_survey()

    # When the customer presses the button with 4 and a comment
    first = client.post(survey_url(token), {"rating": "4", "comment": "Quick help, thanks."})
    assert first.status_code == 302
    assert first["Location"].endswith("?thanks=1")
    answer = SurveyResponse.objects.get()
    assert (answer.rating, answer.comment, answer.answers) == (4, "Quick help, thanks.", 1)
    # the agent and team of the solve, the customer's language and country
    assert (answer.agent, answer.team, answer.language, answer.country) == (actors.l1, invitation.team, "de", "DE")
    thanks = client.get(first["Location"])
    assert thanks.status_code == 200 and 'role="status"' in thanks.content.decode()

    # When they change their mind within the window, the one response changes
    second = client.post(survey_url(token), {"rating": "5", "comment": ""})
    assert second.status_code == 302
    answer = SurveyResponse.objects.get()
    assert (answer.rating, answer.comment, answer.answers) == (5, "", 2)
    assert SurveyResponse.objects.count() == 1
    # and the page now shows the recorded answer
    assert 'value="5" required checked' in client.get(survey_url(token)).content.decode()


def test_an_invalid_rating_is_refused_with_the_form_again(sent_survey, client):
    _invitation, token = sent_survey()
    response = client.post(survey_url(token), {"rating": "9", "comment": "x"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_answer_needs_the_csrf_token(sent_survey):
    _invitation, token = sent_survey()
    response = Client(enforce_csrf_checks=True).post(survey_url(token), {"rating": "1"})
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_and_unknown_links_get_the_same_404_page(sent_survey, client, method):
    _invitation, token = sent_survey()
    raw, _sep, signature = token.partition(".")
    tampered = f"{raw[:-1]}{'A' if raw[-1] != 'A' else 'B'}.{signature}"
    forged = "x" * 43 + "." + signature
    unsigned = raw
    pages = [getattr(client, method)(survey_url(t), {"rating": "1"}) for t in (tampered, forged, unsigned, "nope")]
    assert {p.status_code for p in pages} == {404}
    bodies = {re.sub(r'"X-CSRFToken": "[^"]*"', "", p.content.decode()) for p in pages}
    assert len(bodies) == 1  # nothing tells a guesser which part was wrong
    assert "This link is not valid" in bodies.pop()
    assert not SurveyResponse.objects.exists()


def test_an_expired_link_is_refused_politely_with_410(sent_survey, client, clock):
    invitation, token = sent_survey()
    assert invitation.expires_at == invitation.sent_at + timedelta(days=14)
    clock.move_to(invitation.expires_at + timedelta(seconds=1))
    for response in (client.get(survey_url(token), {"rating": "5"}), client.post(survey_url(token), {"rating": "5"})):
        assert response.status_code == 410
        assert "Diese Umfrage ist beendet" in response.content.decode()  # "This survey has closed", in German
    assert not SurveyResponse.objects.exists()


def test_an_answer_can_be_changed_until_the_link_expires(sent_survey, client, clock):
    invitation, token = sent_survey()
    client.post(survey_url(token), {"rating": "3"})
    clock.move_to(invitation.expires_at - timedelta(minutes=1))
    client.post(survey_url(token), {"rating": "4"})
    clock.move_to(invitation.expires_at)
    assert client.post(survey_url(token), {"rating": "1"}).status_code == 410
    assert SurveyResponse.objects.get().rating == 4


def test_a_survey_of_an_archived_ticket_is_closed(sent_survey, client, clock, actors, settings):
    # Archived: closed longer ago than SURVEY_ARCHIVE_AFTER (here 2 days)
    settings.SURVEY_ARCHIVE_AFTER = timedelta(days=2)
    invitation, token = sent_survey()
    tickets.ticket_set_status(ticket=invitation.ticket, status=Status.CLOSED, actor=actors.l1)
    assert client.get(survey_url(token)).status_code == 200  # just closed: still open to answers
    clock.shift(timedelta(days=2, seconds=1))
    response = client.get(survey_url(token), {"rating": "5"})
    assert response.status_code == 410
    assert "archiviert" in response.content.decode()  # "archived", in Lena's German


def test_a_replaced_survey_link_no_longer_takes_answers(sent_survey, client, actors):
    invitation, token = sent_survey()
    SurveyInvitation.objects.filter(pk=invitation.pk).update(state="cancelled")
    assert client.post(survey_url(token), {"rating": "5"}).status_code == 410


def test_the_survey_endpoint_is_rate_limited_per_address(sent_survey, client, settings):
    _invitation, token = sent_survey()
    settings.SURVEY_RATE_LIMIT = 3
    # a fresh address each run: the frozen clock keeps every run in the same window of the shared cache
    address = "2001:db8::" + ":".join(uuid.uuid4().hex[i : i + 4] for i in range(0, 16, 4))
    codes = [client.get(survey_url("guess"), REMOTE_ADDR=address).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    blocked = client.get(survey_url(token), REMOTE_ADDR=address)
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    # another address is not affected
    assert client.get(survey_url(token), REMOTE_ADDR=address + "1").status_code == 200


def test_the_service_refuses_answers_out_of_range(sent_survey):
    from helpdesk.errors import ServiceError

    invitation, _token = sent_survey()
    with pytest.raises(ServiceError):
        services.survey_respond(invitation=invitation, rating=0)
    assert not SurveyResponse.objects.exists()
