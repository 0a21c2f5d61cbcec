"""The attacker's world: our team (Europe, the `actors`) and a victim team (North America) whose
ticket, conversation, attachment, compensation, survey answer, care follow-up and case are all
stored through the real services. Every test then tries to reach them from the wrong side."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from feedback import services as feedback
from feedback import tokens
from feedback.models import CareFollowUp, InvitationState, SurveyInvitation
from helpdesk import roles
from policies import services as policies
from policies.models import TierAuthority
from tests.factories import CustomerFactory, OrderFactory, make_staff
from tickets import services as tickets
from tickets.models import Channel, Status
from tickets.services import AttachmentInput

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VICTIM_NAME = "Zebulon Quixote-Secretname"
VICTIM_EMAIL = "zebulon.secret@victim.example"
VICTIM_PHONE = "+1 555 0199 7788"
VICTIM_ORDER = "VICTIM-ORDER-4242"
SECRET_WORD = "Frobnicated"  # in the victim's messages only: searching for it must find nothing of theirs

_ips = itertools.count(1)


def fresh_ip() -> str:
    """A client address of its own (rate limits count per address)."""
    number = next(_ips)
    return f"10.0.{number // 250 % 250}.{number % 250 + 1}"


def api_client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def changes_so_far() -> dict[str, int]:
    """Rows inserted, updated or deleted per table by the current transaction (PostgreSQL's own
    counters): a change counter no view can hide from."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {name: count for name, count in cursor.fetchall() if count}


def changed_tables(before: dict[str, int], after: dict[str, int], ignore: Iterable[str] = ()) -> set[str]:
    ignored = set(ignore)
    return {name for name, count in after.items() if count != before.get(name, 0) and name not in ignored}


@dataclass(frozen=True)
class Route:
    """One routed URL pattern of the project, found by walking the resolver."""

    name: str
    pattern: str
    params: tuple[str, ...]
    callback: Any

    @property
    def is_api(self) -> bool:
        return hasattr(self.callback, "cls")  # a Django REST framework view

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def routes(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> list[Route]:
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            found += routes(entry.url_patterns, prefix + str(entry.pattern), inner or "")
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            found.append(
                Route(name, prefix + str(entry.pattern), tuple(entry.pattern.regex.groupindex), entry.callback)
            )
    return found


@pytest.fixture(autouse=True)
def _security_settings(settings):
    # Rate-limit counters live in the real Redis (shared, never flushed): each test counts apart.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-security-{uuid.uuid4().hex}"}}
    settings.SITE_URL = "http://testserver"
    settings.SURVEY_RATE_LIMIT = 100_000  # the rate-limit test lowers it for its own address
    settings.WEBFORM_RATE_LIMIT = 100_000


@pytest.fixture
def usd_tiers(db):
    """USD orders need no exchange rate; the tier limits come from the data migration."""
    return {tier.tier: tier.limit_usd for tier in TierAuthority.objects.all()}


def sent_survey_link(ticket: Any) -> tuple[SurveyInvitation, str]:
    """The invitation of a solved ticket as the sweep leaves it after emailing the link."""
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    link, digest = tokens.new_token()
    now = timezone.now()
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        token_hash=digest, state=InvitationState.SENT, sent_at=now, expires_at=now + timedelta(days=14)
    )
    invitation.refresh_from_db()
    return invitation, link


@pytest.fixture
def victim(actors, teams, categories, usd_tiers):
    """Team North America's customer with an open ticket (conversation, photo, compensation
    pending and granted) and a solved one (low survey rating, care follow-up, case)."""
    supervisor = make_staff(team=teams.america, tier="L3", group=roles.SUPERVISOR_GROUP, username="us-super")
    agent = actors.other_team_agent
    customer = CustomerFactory(
        name=VICTIM_NAME, email=VICTIM_EMAIL, phone=VICTIM_PHONE, country="US", language="en", time_zone="UTC"
    )
    order = OrderFactory(customer=customer, external_number=VICTIM_ORDER, currency="USD", total=Decimal("400.00"))
    body = (
        f"My {SECRET_WORD} lamp arrived broken, order {VICTIM_ORDER}.\n"
        f"Call me on {VICTIM_PHONE}.\n-- \n{VICTIM_NAME}\n{VICTIM_EMAIL}"
    )
    ticket = tickets.ticket_create(
        customer=customer,
        subject=f"{SECRET_WORD} lamp broken",
        body=body,
        channel=Channel.EMAIL,
        category=categories.other,
        order=order,
        attachments=[AttachmentInput(name="lamp.png", content=PNG)],
    )
    assert ticket.team_id == teams.america.pk
    reply = tickets.message_add_reply(ticket=ticket, author=agent, body=f"Hello {VICTIM_NAME}, sorry about that.")
    note = tickets.message_add_note(ticket=ticket, author=agent, body=f"{SECRET_WORD} note: VIP customer")
    granted = policies.compensation_request_create(
        ticket=ticket, actor=agent, kind="gift", amount="10.00", description="A candle"
    )
    pending = policies.compensation_request_create(
        ticket=ticket, actor=agent, kind="partial_refund", reason="quality", amount="150.00"
    )
    assert (pending.state, granted.state) == ("pending", "approved")

    solved = tickets.ticket_create(
        customer=customer,
        subject=f"{SECRET_WORD} refund question",
        body=f"Where is my refund? {VICTIM_NAME}, {VICTIM_EMAIL}, {VICTIM_PHONE}, order {VICTIM_ORDER}",
        channel=Channel.EMAIL,
        category=categories.other,
        order=order,
    )
    tickets.message_add_reply(ticket=solved, author=agent, body=f"Dear {VICTIM_NAME}, the refund left today.")
    tickets.ticket_set_status(ticket=solved, status=Status.SOLVED, actor=agent)
    invitation, link = sent_survey_link(solved)
    response = feedback.survey_respond(invitation=invitation, rating=1, comment=f"{SECRET_WORD} awful service")
    case = feedback.case_record(ticket_id=solved.pk)
    return SimpleNamespace(
        team=teams.america,
        agent=agent,
        supervisor=supervisor,
        customer=customer,
        order=order,
        ticket=ticket,
        reply=reply,
        note=note,
        attachment=ticket.attachments.get(),
        pending=pending,
        granted=granted,
        solved=solved,
        invitation=invitation,
        survey_link=link,
        response=response,
        care=CareFollowUp.objects.get(response=response),
        case=case,
    )


@pytest.fixture
def own(actors, categories):
    """A ticket of our own team (Europe), with a photo: the control that the pages work at all."""
    ticket = tickets.ticket_create(
        customer=actors.customer,
        subject="Own team's parcel",
        body="Where is my parcel?",
        channel=Channel.WEB,
        category=categories.other,
        attachments=[AttachmentInput(name="label.png", content=PNG)],
    )
    assert ticket.team_id == actors.l1.agent_profile.team_id
    return ticket
