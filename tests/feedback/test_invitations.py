"""Survey invitations: created once per solve, sent after the delay at a civil hour, in the
ticket's language, with unguessable one-click links stored only as hashes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from feedback import services
from feedback.models import InvitationState, SurveyInvitation
from feedback.tokens import TOKEN_BYTES
from tickets import services as tickets
from tickets.models import Channel, OutboundEmail, Status

from .conftest import START, customer_in, links_in, send_and_collect, token_of

pytestmark = pytest.mark.django_db


def test_no_invitation_is_sent_before_the_delay_and_one_is_sent_after_it(
    solve, clock, mailoutbox, django_capture_on_commit_callbacks
):
    # Given Lena (Berlin) whose ticket was solved at 09:00 her time
    ticket = solve()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert invitation.state == InvitationState.PENDING
    assert invitation.due_at == START + timedelta(hours=24)

    # When the sweep runs 23 hours later, nothing goes out
    clock.move_to(START + timedelta(hours=23, minutes=59))
    assert send_and_collect(mailoutbox, django_capture_on_commit_callbacks) == []
    assert mailoutbox == []

    # When it runs after 24 hours, the survey is emailed to her once
    clock.move_to(START + timedelta(hours=24, minutes=1))
    assert send_and_collect(mailoutbox, django_capture_on_commit_callbacks) == [invitation.pk]
    assert [m.to for m in mailoutbox] == [["lena@example.de"]]
    assert send_and_collect(mailoutbox, django_capture_on_commit_callbacks) == []
    assert len(mailoutbox) == 1


def test_the_delay_is_a_setting(solve, clock, settings):
    settings.SURVEY_DELAY = timedelta(hours=2)
    ticket = solve()
    assert SurveyInvitation.objects.get(ticket=ticket).due_at == START + timedelta(hours=2)


@pytest.mark.parametrize(
    ("zone", "solved_at", "expected_due"),
    [
        # 24 h after a solve at 10:00 UTC is 02:00 (PST) in Los Angeles: wait for 09:00 there (17:00 UTC).
        ("America/Los_Angeles", datetime(2026, 3, 2, 10, 0, tzinfo=UTC), datetime(2026, 3, 3, 17, 0, tzinfo=UTC)),
        # After the switch to summer time 09:00 in Los Angeles is 16:00 UTC.
        ("America/Los_Angeles", datetime(2026, 3, 9, 10, 0, tzinfo=UTC), datetime(2026, 3, 10, 16, 0, tzinfo=UTC)),
        # 22:00 in Tokyo is too late: the next morning at 09:00 (00:00 UTC).
        ("Asia/Tokyo", datetime(2026, 3, 2, 13, 0, tzinfo=UTC), datetime(2026, 3, 4, 0, 0, tzinfo=UTC)),
        # 12:00 in Berlin is fine as it is.
        ("Europe/Berlin", datetime(2026, 3, 2, 11, 0, tzinfo=UTC), datetime(2026, 3, 3, 11, 0, tzinfo=UTC)),
        # An unknown zone counts as UTC: 21:00 UTC waits for 09:00 UTC.
        ("Mars/Olympus", datetime(2026, 3, 2, 21, 0, tzinfo=UTC), datetime(2026, 3, 4, 9, 0, tzinfo=UTC)),
    ],
)
def test_the_invitation_waits_for_a_civil_hour_in_the_customers_time_zone(solve, zone, solved_at, expected_due):
    import time_machine

    with time_machine.travel(solved_at, tick=False):
        ticket = solve(customer_in(zone))
    assert SurveyInvitation.objects.get(ticket=ticket).due_at == expected_due


def test_a_customer_in_los_angeles_is_not_emailed_at_3_am_their_time(
    solve, clock, mailoutbox, django_capture_on_commit_callbacks
):
    # Given a ticket of a Los Angeles customer solved at 03:00 their time (11:00 UTC, PST)
    clock.move_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    ticket = solve(customer_in("America/Los_Angeles"))

    # When the sweep runs 24 h later (03:00 in Los Angeles), nothing is sent
    clock.move_to(datetime(2026, 3, 3, 11, 0, tzinfo=UTC))
    assert send_and_collect(mailoutbox, django_capture_on_commit_callbacks) == []
    # nor at 08:59 their time
    clock.move_to(datetime(2026, 3, 3, 16, 59, tzinfo=UTC))
    assert send_and_collect(mailoutbox, django_capture_on_commit_callbacks) == []
    assert mailoutbox == []

    # Then at 09:00 their time it goes out
    clock.move_to(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
    assert len(send_and_collect(mailoutbox, django_capture_on_commit_callbacks)) == 1
    assert mailoutbox[0].to == [ticket.customer.email]


def test_a_late_sweep_outside_civil_hours_waits_for_the_next_morning(
    solve, clock, mailoutbox, django_capture_on_commit_callbacks
):
    # Given an invitation due at 09:00 in Berlin, and workers down all day
    ticket = solve()
    invitation = SurveyInvitation.objects.get(ticket=ticket)

    # When the first sweep after the outage runs at 22:00 in Berlin (21:00 UTC)
    clock.move_to(datetime(2026, 3, 3, 21, 0, tzinfo=UTC))
    assert send_and_collect(mailoutbox, django_capture_on_commit_callbacks) == []

    # Then the invitation waits for 09:00 Berlin (08:00 UTC) and is sent then
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING
    assert invitation.due_at == datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    clock.move_to(invitation.due_at)
    assert send_and_collect(mailoutbox, django_capture_on_commit_callbacks) == [invitation.pk]


def test_the_email_is_in_the_tickets_language_with_five_one_click_links(sent_survey, mailoutbox):
    invitation, _token = sent_survey()
    email = mailoutbox[-1]
    assert email.subject == f"Wie zufrieden waren Sie? Ihre Anfrage {invitation.ticket.reference}"
    assert "Wie zufrieden sind Sie mit unserer Hilfe?" in email.body
    assert "Sehr zufrieden" in email.body
    links = links_in(email.body)
    assert sorted(links) == [1, 2, 3, 4, 5]
    assert len({token_of(url) for url in links.values()}) == 1  # one token per invitation
    html = email.alternatives[0][0]
    assert all(url.replace("&", "&amp;") in html or url in html for url in links.values())
    # The link names neither the ticket nor the customer.
    ticket = invitation.ticket
    for url in links.values():
        assert ticket.reference not in url and f"/{ticket.pk}/" not in url
        assert ticket.customer.email not in url and "lena" not in url.lower()


def test_the_token_is_stored_only_as_its_sha256_and_has_at_least_128_bits(sent_survey):
    invitation, token = sent_survey()
    raw, _sep, signature = token.partition(".")
    assert TOKEN_BYTES * 8 >= 128
    assert len(raw) >= 43  # 256 bits in URL-safe base64
    assert signature
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = SurveyInvitation.objects.filter(pk=invitation.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}


def test_one_invitation_per_solve(solve):
    ticket = solve()
    # the solve's receiver already made one; asking again for the same solve changes nothing
    again = services.invitation_create_on_solve(ticket=ticket)
    assert SurveyInvitation.objects.filter(ticket=ticket).count() == 1
    assert again == SurveyInvitation.objects.get(ticket=ticket)
    assert services.invitations_create_missing() == 0


def test_a_ticket_reopened_before_the_email_gets_no_survey_until_solved_again(
    solve, clock, actors, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = solve()
    first = SurveyInvitation.objects.get(ticket=ticket)
    # The customer writes back an hour later: the ticket reopens, the pending survey is cancelled
    clock.shift(timedelta(hours=1))
    tickets.message_receive_from_customer(ticket=ticket, body="It still has not arrived.", channel=Channel.EMAIL)
    first.refresh_from_db()
    assert first.state == InvitationState.CANCELLED
    clock.move_to(START + timedelta(days=2))
    assert send_and_collect(mailoutbox, django_capture_on_commit_callbacks) == []

    # Solved again: a new survey for the new solve
    ticket.refresh_from_db()
    tickets.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    assert SurveyInvitation.objects.filter(ticket=ticket).count() == 2
    assert SurveyInvitation.objects.filter(ticket=ticket, state=InvitationState.PENDING).count() == 1


def test_a_survey_sent_but_never_answered_is_replaced_when_the_ticket_is_solved_again(sent_survey, clock, actors):
    invitation, _token = sent_survey()
    ticket = invitation.ticket
    tickets.message_receive_from_customer(ticket=ticket, body="One more question.", channel=Channel.EMAIL)
    clock.shift(timedelta(hours=2))
    ticket.refresh_from_db()
    tickets.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.CANCELLED
    assert SurveyInvitation.objects.filter(ticket=ticket, state=InvitationState.PENDING).count() == 1


def test_an_answered_survey_is_not_asked_again_when_the_ticket_is_solved_again(sent_survey, clock, actors):
    invitation, _token = sent_survey()
    services.survey_respond(invitation=invitation, rating=4, comment="")
    ticket = invitation.ticket
    tickets.message_receive_from_customer(ticket=ticket, body="One more question.", channel=Channel.EMAIL)
    ticket.refresh_from_db()
    tickets.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    assert list(SurveyInvitation.objects.filter(ticket=ticket)) == [invitation]
    assert services.invitations_create_missing() == 0


def test_the_invitation_keeps_who_solved_it_even_after_reassignment(solve, actors):
    ticket = solve(agent=actors.l2)
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    tickets.ticket_assign(ticket=ticket, assignee=actors.l3, actor=actors.l3)
    invitation.refresh_from_db()
    assert (invitation.agent, invitation.team, invitation.language, invitation.country) == (
        actors.l2,
        ticket.team,
        "de",
        "DE",
    )


def test_the_send_log_key_makes_the_email_once_even_if_the_sweep_repeats(sent_survey):
    invitation, _token = sent_survey()
    assert OutboundEmail.objects.filter(key=f"feedback-survey:{invitation.pk}").count() == 1
    # A second claim is impossible: the row is no longer pending.
    assert services.invitations_send_due(now=invitation.sent_at + timedelta(days=1)) == []


def test_a_fault_while_creating_the_invitation_never_blocks_the_solve_and_the_sweep_catches_up(
    solve, clock, monkeypatch
):
    # Given the invitation cannot be created at solve time
    def broken(*, ticket):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "invitation_create_on_solve", broken)
    ticket = solve()
    monkeypatch.undo()

    # Then the ticket is solved all the same, and the periodic sweep creates the invitation
    assert ticket.status == Status.SOLVED
    assert not SurveyInvitation.objects.filter(ticket=ticket).exists()
    clock.shift(timedelta(minutes=15))
    assert services.invitations_create_missing() == 1
    assert SurveyInvitation.objects.get(ticket=ticket).due_at == START + timedelta(hours=24)


def test_the_safety_net_does_not_survey_old_solves(solve, clock):
    ticket = solve()
    SurveyInvitation.objects.filter(ticket=ticket).delete()
    clock.shift(timedelta(days=3))
    assert services.invitations_create_missing() == 0
