"""The survey email says what the page does: a click on a rating opens the page with it chosen,
and the customer confirms it there. Opening a link (a person, a mail scanner, a prefetch)
records nothing. Staff send a waiting survey now, or a sent one again, on purpose and logged."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from feedback import services
from feedback.models import InvitationState, SurveyInvitation, SurveyResponse, SurveyText
from feedback.services.texts import survey_texts
from tests.feedback.conftest import customer_in, links_in, token_of
from tickets.models import OutboundEmail

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans", "de", "fr", "es", "ja"]
# What the email promised before, and what it says now, in each language.
ONE_CLICK = {
    "en": "One click on a rating is enough",
    "zh-hans": "点击一个评分即可",
    "de": "Ein Klick auf eine Bewertung genügt",
    "fr": "Un clic sur une note suffit",
    "es": "Basta con un clic",
    "ja": "評価をクリックするだけで完了します",
}
CONFIRM = {
    "en": "confirm it",
    "zh-hans": "点击按钮确认",
    "de": "bestätigen Sie sie",
    "fr": "confirmez-la",
    "es": "confírmela",
    "ja": "ボタンを押して確定",
}
MIGRATION = importlib.import_module("feedback.migrations.0003_survey_email_asks_to_confirm")


@pytest.fixture(autouse=True)
def _english_afterwards():
    """The public pages activate the customer's language in this thread (a server resets it per
    request): leave English behind for the tests that follow."""
    yield
    translation.activate("en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_email_asks_to_confirm_the_rating_on_the_page(language):
    intro = survey_texts(language)["email_intro"]
    assert ONE_CLICK[language] not in intro
    assert CONFIRM[language] in intro


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_built_in_text_says_the_same(language):
    SurveyText.objects.all().delete()
    intro = survey_texts(language)["email_intro"]
    assert ONE_CLICK[language] not in intro
    assert CONFIRM[language] in intro


def test_the_sent_email_says_so(sent_survey, mailoutbox):
    sent_survey()
    email = mailoutbox[-1]
    assert "Ein Klick auf eine Bewertung genügt" not in email.body
    assert "bestätigen Sie sie" in email.body and "bestätigen Sie sie" in email.alternatives[0][0]


def test_the_data_migration_updates_the_seeded_text_and_keeps_an_admins(db):
    old, new = MIGRATION.OLD_INTRO, MIGRATION.NEW_INTRO
    with translation.override("en"):  # the live model's `text` is the active language's (modeltranslation)
        row = SurveyText.objects.get(key="email_intro")
        row.text = row.text_en = old["en"]
        row.text_de = old["de"]
        row.text_ja = "Unser eigener Text, vom Admin geschrieben."
        row.save()

        MIGRATION.update_intro(apps, None)

        row.refresh_from_db()
        assert row.text_en == new["en"] and row.text == new["en"]
        assert row.text_de == new["de"]
        assert row.text_ja == "Unser eigener Text, vom Admin geschrieben."


def test_the_page_says_the_chosen_rating_is_not_recorded_until_confirmed(sent_survey, client):
    _invitation, token = sent_survey()
    url = reverse("feedback:survey", args=[token])

    html = client.get(url, {"rating": "4"}).content.decode()
    assert "Ihre Bewertung ist noch nicht gespeichert" in html
    assert "Ihre Bewertung ist noch nicht gespeichert" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("get", {}),
        ("head", {}),
        ("get", {"HTTP_PURPOSE": "prefetch"}),
        ("get", {"HTTP_SEC_PURPOSE": "prefetch;prerender"}),
        ("options", {}),
    ],
)
def test_opening_a_link_in_any_way_records_nothing(method, headers, sent_survey, client):
    _invitation, token = sent_survey()
    response = getattr(client, method)(reverse("feedback:survey", args=[token]), {"rating": "5"}, **headers)
    assert response.status_code in (200, 405)
    assert not SurveyResponse.objects.exists()


# --- Sending now, or again ---------------------------------------------------------------------


def _admin_action(client, admin_user, action, invitation, follow=True):
    client.force_login(admin_user)
    return client.post(
        reverse("admin:feedback_surveyinvitation_changelist"),
        {"action": action, "_selected_action": [invitation.pk]},
        follow=follow,
    )


def test_an_admin_sends_a_waiting_survey_now(
    solve, clock, actors, client, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = SurveyInvitation.objects.get(ticket=solve())
    assert invitation.state == InvitationState.PENDING and invitation.due_at > timezone.now()  # not due for a day

    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_action(client, actors.admin, "send_now", invitation)

    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.SENT
    assert len(mailoutbox) == 1 and len(links_in(mailoutbox[0].body)) == 5
    assert LogEntry.objects.filter(object_id=str(invitation.pk)).exists()


def test_an_admin_sends_a_survey_again_with_a_new_link_logged_in_the_send_log(
    sent_survey, actors, client, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, first_token = sent_survey()
    with django_capture_on_commit_callbacks(execute=True):
        _admin_action(client, actors.admin, "send_again", invitation)

    assert len(mailoutbox) == 2
    second_token = token_of(mailoutbox[-1].body)
    assert second_token != first_token
    keys = sorted(OutboundEmail.objects.filter(key__startswith="feedback-survey:").values_list("key", flat=True))
    assert keys == [f"feedback-survey:{invitation.pk}", f"feedback-survey:{invitation.pk}:again-1"]
    # The new link works; the replaced one no longer does.
    client.logout()
    assert client.get(reverse("feedback:survey", args=[second_token])).status_code == 200
    assert client.get(reverse("feedback:survey", args=[first_token])).status_code == 404


def test_sending_again_is_refused_while_the_last_email_waits_in_the_send_log(sent_survey, actors):
    invitation, _token = sent_survey()
    services.invitation_send_now(invitation_id=invitation.pk, resend=True)  # its email not sent yet (no commit)
    with pytest.raises(services.SurveyNotSent, match="still waiting"):
        services.invitation_send_now(invitation_id=invitation.pk, resend=True)
    assert OutboundEmail.objects.filter(key__startswith=f"feedback-survey:{invitation.pk}:").count() == 1


def test_an_answered_survey_is_not_sent_again(sent_survey, actors, client, mailoutbox):
    invitation, _token = sent_survey()
    services.survey_respond(invitation=invitation, rating=5)
    response = _admin_action(client, actors.admin, "send_again", invitation)

    assert "already answered" in response.content.decode()
    assert len(mailoutbox) == 1


def test_send_now_does_not_send_a_sent_survey_a_second_time(sent_survey, actors, client, mailoutbox):
    invitation, _token = sent_survey()
    response = _admin_action(client, actors.admin, "send_now", invitation)

    assert "already sent" in response.content.decode()
    assert len(mailoutbox) == 1


def test_the_command_sends_due_surveys_now_and_one_now_or_again(
    solve, clock, actors, mailoutbox, django_capture_on_commit_callbacks, capsys
):
    waiting = SurveyInvitation.objects.get(ticket=solve(customer_in("Europe/Berlin", language="de")))

    # Nothing is due yet: the sweep sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_surveys")
    assert mailoutbox == []

    # One survey now, by its id
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_surveys", "--invitation", str(waiting.pk))
    waiting.refresh_from_db()
    assert waiting.state == InvitationState.SENT and len(mailoutbox) == 1

    # Again only when asked for
    with pytest.raises(CommandError, match="already sent"):
        call_command("send_surveys", "--invitation", str(waiting.pk))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_surveys", "--invitation", str(waiting.pk), "--resend")
    assert len(mailoutbox) == 2

    with pytest.raises(CommandError, match="No survey invitation"):
        call_command("send_surveys", "--invitation", "999999")
