"""Survey links under attack: guessing, tampering, reusing another survey's signature, answering
late, a mail scanner opening every link, a burst of submits, and a flood from one address."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core import signing
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback import services as feedback
from feedback import tokens
from feedback.models import CareFollowUp, InvitationState, SurveyInvitation, SurveyResponse
from tests.factories import CustomerFactory
from tests.feedback.helpers import civil_zone_now
from tickets import services as tickets
from tickets.models import Channel, Status

from .conftest import changed_tables, changes_so_far, fresh_ip

LINK = re.compile(r"/survey/(?P<token>[^/\s\"?]+)/")


def _solved_ticket(agent: Any, email: str) -> Any:
    customer = CustomerFactory(email=email, time_zone=civil_zone_now(), country="US")
    ticket = tickets.ticket_create(
        customer=customer, subject="Parcel late", body="Where is it?", channel=Channel.EMAIL,
        team=agent.agent_profile.team,
    )  # fmt: skip
    tickets.message_add_reply(ticket=ticket, author=agent, body="It arrives tomorrow.")
    tickets.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    return ticket


def _send(ticket: Any, capture: Any, mailbox: list[Any]) -> tuple[SurveyInvitation, str]:
    """Run the real sweep for this ticket's invitation; the invitation and the emailed link token."""
    SurveyInvitation.objects.filter(ticket=ticket).update(due_at=timezone.now() - timedelta(minutes=1))
    before = len(mailbox)
    with capture(execute=True):
        feedback.invitations_send_due()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    (email,) = [m for m in mailbox[before:] if ticket.customer.email in m.to]
    return invitation, LINK.search(email.body).group("token")


@pytest.fixture
def survey(actors, django_capture_on_commit_callbacks, mailoutbox):
    def make(email: str = "rater@example.com") -> tuple[SurveyInvitation, str]:
        return _send(_solved_ticket(actors.l1, email), django_capture_on_commit_callbacks, mailoutbox)

    return make


def _without_csrf(response: Any) -> str:
    """The page as a person reads it: the per-request masking of the CSRF token aside."""
    return re.sub(r'"X-CSRFToken": "\w+"', "", response.content.decode())


def _url(token: str) -> str:
    return reverse("feedback:survey", args=[token])


@pytest.mark.django_db
def test_the_link_carries_at_least_128_random_bits_from_secrets_and_only_their_hash_is_stored(survey, monkeypatch):
    # given a spy on the secrets module, the one source of randomness a link may use
    drawn: list[tuple[int, str]] = []
    real = secrets.token_urlsafe

    def spy(nbytes: int | None = None) -> str:
        value = real(nbytes)
        drawn.append((nbytes or 32, value))
        return value

    monkeypatch.setattr(tokens.secrets, "token_urlsafe", spy)
    # when the sweep emails an invitation
    invitation, link = survey()
    raw, _sep, _signature = link.partition(".")
    # then the link's secret is exactly what secrets drew, 128 bits or more
    assert drawn and drawn[-1][1] == raw
    assert drawn[-1][0] >= 16
    assert len(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))) >= 16
    # and the invitation keeps only its SHA-256, never the secret or the link
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = " ".join(str(value) for value in SurveyInvitation.objects.filter(pk=invitation.pk).values().get().values())
    assert raw not in stored and link not in stored


def _rows_holding(secret: str) -> list[str]:
    """Every stored text column, in every table, that contains the secret."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            text = isinstance(field, models.CharField | models.TextField)
            if text and model._default_manager.filter(**{f"{field.name}__contains": secret}).exists():
                found.append(f"{model._meta.db_table}.{field.column}")
    return found


@pytest.mark.django_db
def test_once_sent_the_link_is_stored_nowhere(survey):
    _invitation, link = survey()
    raw, _sep, _signature = link.partition(".")
    assert _rows_holding(raw) == []


@pytest.mark.django_db
def test_a_link_answers_only_its_own_survey(survey, client):
    # given two customers' surveys
    first, first_link = survey("first@example.com")
    second, second_link = survey("second@example.com")
    first_raw, _sep, _sig = first_link.partition(".")
    _raw, _sep, second_signature = second_link.partition(".")
    # when an attacker grafts one link's signature onto the other's secret, or signs a secret of their own
    forged = [
        f"{first_raw}.{second_signature}",
        signing.Signer(salt="another-salt", sep=".").sign(first_raw),
        signing.Signer(salt="feedback.survey-link", sep=".").sign(secrets.token_urlsafe(32)),
        first_link[:-1] + ("A" if first_link[-1] != "A" else "B"),
    ]
    answers = [client.post(_url(token), {"rating": "1"}).status_code for token in forged]
    # then none of them answers anything; the real link answers its own survey only
    assert answers == [404, 404, 404, 404]
    assert client.post(_url(first_link), {"rating": "5"}).status_code == 302
    assert SurveyResponse.objects.get().invitation_id == first.pk
    assert not SurveyResponse.objects.filter(invitation=second).exists()


@pytest.mark.django_db
def test_an_expired_link_takes_no_answer(survey, client):
    invitation, link = survey()
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(_url(link)).status_code == 410
    assert client.post(_url(link), {"rating": "1", "comment": "late"}).status_code == 410
    assert not SurveyResponse.objects.exists() and not CareFollowUp.objects.exists()


@pytest.mark.django_db
def test_opening_links_never_records_anything(survey, client):
    # given a survey email with one-click ratings, opened by a mail scanner that follows every link
    _invitation, link = survey()
    before = changes_so_far()
    answers = [client.get(_url(link), {"rating": str(n)}).status_code for n in range(1, 6)]
    answers.append(client.head(_url(link), {"rating": "1"}).status_code)
    # then it sees the pages, and not one row anywhere changed
    assert answers[:5] == [200] * 5 and answers[5] in (200, 405)
    assert not changed_tables(before, changes_so_far(), {"django_session"})
    assert not SurveyResponse.objects.exists() and not CareFollowUp.objects.exists()


@pytest.mark.django_db
def test_invalid_tampered_and_unknown_links_look_the_same_and_closed_ones_alike(survey, client):
    # an attacker probing links learns nothing from the answers
    _invitation, link = survey()
    raw, _sep, _signature = link.partition(".")
    probes = ["x", "a" * 199, "a" * 500, f"{raw}.forged", f"{raw[:-2]}AA.{_signature}", tokens.new_token()[0]]
    pages = [client.get(_url(token)) for token in probes]
    assert {p.status_code for p in pages} == {404}
    assert len({_without_csrf(p) for p in pages}) == 1
    # expired and replaced surveys (each with a valid link) get one and the same "closed" page
    expired, expired_link = survey("expired@example.com")
    replaced, replaced_link = survey("replaced@example.com")
    SurveyInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    SurveyInvitation.objects.filter(pk=replaced.pk).update(state=InvitationState.CANCELLED)
    closed = [client.get(_url(expired_link)), client.get(_url(replaced_link))]
    assert [p.status_code for p in closed] == [410, 410]
    assert _without_csrf(closed[0]) == _without_csrf(closed[1])


@pytest.mark.django_db
def test_a_used_link_changes_the_answer_but_never_adds_a_second_response(survey, client):
    _invitation, link = survey()
    for rating in ("1", "2", "5"):
        assert client.post(_url(link), {"rating": rating}).status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.rating, response.answers) == (5, 3)
    assert CareFollowUp.objects.filter(response=response).count() == 1


@pytest.mark.django_db
def test_one_address_flooding_the_survey_page_is_slowed_down(survey, settings):
    # given a limit of 3 survey requests per address in the window
    _invitation, link = survey()
    settings.SURVEY_RATE_LIMIT = 3
    attacker, customer = Client(REMOTE_ADDR=fresh_ip()), Client(REMOTE_ADDR=fresh_ip())
    # when one address guesses three links, then tries a real one
    guesses = [attacker.get(_url(tokens.new_token()[0])).status_code for _ in range(3)]
    blocked = attacker.post(_url(link), {"rating": "1"})
    # then it is told to wait, its answer is not recorded, and the customer elsewhere is not affected
    assert guesses == [404, 404, 404]
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert not SurveyResponse.objects.exists()
    assert customer.post(_url(link), {"rating": "4"}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_make_one_response(actors, django_capture_on_commit_callbacks, mailoutbox):
    # given a survey link, and five browsers (or a script) submitting it at the same moment
    invitation, link = _send(
        _solved_ticket(actors.l1, "burst@example.com"), django_capture_on_commit_callbacks, mailoutbox
    )
    barrier = threading.Barrier(5)
    codes: list[Any] = [None] * 5

    def submit(index: int) -> None:
        try:
            client = Client(REMOTE_ADDR=fresh_ip())
            barrier.wait(timeout=10)
            codes[index] = client.post(_url(link), {"rating": "1", "comment": f"try {index}"}).status_code
        except Exception as error:  # inspected below
            codes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then every submit was answered, and one response (with one care follow-up) counts them all
    assert codes == [302] * 5
    response = SurveyResponse.objects.get(invitation=invitation)
    assert response.answers == 5
    assert CareFollowUp.objects.filter(response=response).count() == 1
