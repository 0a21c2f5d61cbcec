"""Fixtures of the feedback tests: a frozen clock on a Monday morning UTC, customers in several
time zones, and tickets solved through the real ticket services."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from feedback import services
from feedback.models import SurveyInvitation
from tests.factories import CustomerFactory
from tickets import services as tickets
from tickets.models import Channel, Status, Ticket

# Monday 2 March 2026, 08:00 UTC: 00:00 in Los Angeles, 09:00 in Berlin, 17:00 in Tokyo.
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LINK = re.compile(r"https?://\S+/survey/(?P<token>[^/\s]+)/\?rating=(?P<rating>[1-5])")


@pytest.fixture(autouse=True)
def _feedback_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SURVEY_RATE_LIMIT = 100_000  # the rate-limit test lowers it for its own address
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def clock_start() -> datetime:
    return START


@pytest.fixture
def solve(actors, categories) -> Callable[..., Ticket]:
    """A ticket of `customer` (default: Lena in Berlin, German) answered by L1 and solved now."""

    def make(
        customer: Any = None,
        *,
        subject: str = "Parcel never arrived",
        body: str = "My parcel has not arrived after three weeks.",
        reply: str = "We sent a replacement parcel today.",
        category: Any = None,
        agent: Any = None,
        facts: dict[str, Any] | None = None,
    ) -> Ticket:
        agent = agent or actors.l1
        ticket = tickets.ticket_create(
            customer=customer or actors.customer,
            subject=subject,
            body=body,
            channel=Channel.EMAIL,
            category=category or categories.other,
            team=agent.agent_profile.team,
        )
        tickets.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
        if facts:
            tickets.ticket_record_facts(ticket=ticket, facts=facts, actor=agent)
        if reply:
            tickets.message_add_reply(ticket=ticket, author=agent, body=reply)
        tickets.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=agent)
        ticket.refresh_from_db()
        return ticket

    return make


def customer_in(zone: str, *, language: str = "en", country: str = "US", **fields: Any) -> Any:
    return CustomerFactory(time_zone=zone, language=language, country=country, **fields)


def send_and_collect(mailbox: list[Any], capture: Any, **kwargs: Any) -> list[int]:
    """Run the sweep; the emails it queued are sent after commit into the test outbox."""
    with capture(execute=True):
        return services.invitations_send_due(**kwargs)


def links_in(text: str) -> dict[int, str]:
    """The rating links of an invitation email, by rating."""
    return {int(m.group("rating")): m.group(0) for m in LINK.finditer(text)}


def token_of(url: str) -> str:
    match = LINK.search(url)
    assert match is not None, url
    return match.group("token")


@pytest.fixture
def sent_survey(solve, clock, django_capture_on_commit_callbacks, mailoutbox) -> Callable[..., tuple[Any, str]]:
    """Solve a ticket, let a day pass, run the sweep: (invitation, the email's link token)."""

    def make(**kwargs: Any) -> tuple[SurveyInvitation, str]:
        ticket = solve(**kwargs)
        invitation = SurveyInvitation.objects.get(ticket=ticket)
        clock.move_to(max(invitation.due_at, START))
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            sent = services.invitations_send_due()
        assert invitation.pk in sent
        email = mailoutbox[before]
        invitation.refresh_from_db()
        return invitation, token_of(email.body)

    return make
