"""Mass assignment: extra fields slipped into an API body or a form post. No client sets a
ticket's status past the facts rule, its team, a request's state, decider or decision time,
or anyone's tier or team; each attempt is refused or ignored, and nothing moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from policies.models import CompensationRequest, DecisionLog
from tickets.models import AgentProfile, Status, Ticket, TicketEvent

from .conftest import api_client

pytestmark = pytest.mark.django_db

LONG_AGO = "2024-06-01T12:00:00+00:00"  # fixed: a parallel run collects the same test ids in every worker


@pytest.fixture
def complaint(actors, categories):
    """A Europe logistics complaint: it cannot be solved before its tracking facts are recorded."""
    from tickets import services
    from tickets.models import Channel

    return services.ticket_create(
        customer=actors.customer, subject="Lost parcel", body="Where is it?", channel=Channel.WEB,
        category=categories.logistics,
    )  # fmt: skip


def _as_stored(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (ticket.status, ticket.team_id, ticket.assignee_id, ticket.customer_id, ticket.solved_at, ticket.facts)


def test_ticket_patch_cannot_solve_past_the_facts_rule_nor_set_new(actors, complaint):
    api = api_client(actors.l1)
    before = _as_stored(complaint)
    solved = api.patch(f"/api/v1/tickets/{complaint.pk}/", {"status": "solved"}, format="json")
    new = api.patch(f"/api/v1/tickets/{complaint.pk}/", {"status": "new"}, format="json")
    assert solved.status_code == new.status_code == 400
    assert "Tracking number" in str(solved.json())  # the attacker is told which facts are missing
    assert _as_stored(complaint) == before
    assert not TicketEvent.objects.filter(ticket=complaint, kind="status").exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("team", "north-america"),
        ("team_id", 2),
        ("customer", 1),
        ("solved_at", LONG_AGO),
        ("first_response_at", LONG_AGO),
        ("facts", {"tracking_number": "X"}),
        ("merged_into", 1),
        ("reference", "HD-000001"),
    ],
)
def test_ticket_patch_refuses_every_field_outside_its_rules(actors, complaint, field, value):
    api = api_client(actors.l1)
    before = _as_stored(complaint)
    response = api.patch(f"/api/v1/tickets/{complaint.pk}/", {"priority": "urgent", field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert _as_stored(complaint) == before
    complaint.refresh_from_db()
    assert complaint.priority != 4  # the valid part of the body was not applied either


def test_ticket_patch_cannot_hand_the_ticket_to_another_teams_agent(actors, complaint):
    response = api_client(actors.l1).patch(
        f"/api/v1/tickets/{complaint.pk}/", {"assignee": actors.other_team_agent.pk}, format="json"
    )
    assert response.status_code == 400
    assert _as_stored(complaint)[2] is None


def test_ticket_create_ignores_status_team_assignee_and_dates_sent_with_it(actors, teams):
    body = {
        "customer": {"email": "new.customer@example.de", "name": "New", "country": "DE"},
        "subject": "Hello",
        "body": "A question",
        "status": "solved",
        "team": teams.america.pk,
        "team_id": teams.america.pk,
        "assignee": actors.other_team_agent.pk,
        "channel": "phone",
        "solved_at": LONG_AGO,
        "created_at": LONG_AGO,
        "first_response_at": LONG_AGO,
    }
    response = api_client(actors.l1).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.status, ticket.team_id, ticket.channel) == (Status.NEW, teams.europe.pk, "api")
    assert ticket.assignee_id != actors.other_team_agent.pk
    assert ticket.solved_at is None and ticket.first_response_at is None
    assert ticket.created_at > timezone.now() - timedelta(minutes=1)


def test_a_message_cannot_claim_another_author_or_be_automatic(actors, own):
    response = api_client(actors.l1).post(
        f"/api/v1/tickets/{own.pk}/messages/",
        {"kind": "note", "body": "Mine", "author": actors.supervisor.pk, "is_automatic": True, "ticket": 1},
        format="json",
    )
    assert response.status_code == 201
    message = own.messages.get(pk=response.json()["id"])
    assert (message.author_id, message.is_automatic, message.ticket_id) == (actors.l1.pk, False, own.pk)


FORGED_DECISION = {
    "state": "approved",
    "decided_at": LONG_AGO,
    "decision_comment": "self-approved",
    "requester_tier": "L3",
    "amount_usd": "0.01",
    "rate": "1000",
    "waiting_reasons": [],
    "escalated_at": LONG_AGO,
    "customer": 1,
    "order": 1,
}


def test_a_compensation_request_cannot_arrive_approved_or_with_a_forged_value(actors, victim, own, usd_tiers):
    # given an L1 agent (limit USD 50) asking for USD 80 with a decision of their own in the body
    body = {
        "ticket": own.pk,
        "kind": "partial_refund",
        "reason": "late",
        "amount": "80.00",
        "currency": "USD",
        **FORGED_DECISION,
        "decided_by": actors.supervisor.pk,
        "requested_by": actors.supervisor.pk,
    }
    response = api_client(actors.l1).post("/api/v1/policies/requests/", body, format="json")
    assert response.status_code == 201
    request = CompensationRequest.objects.get(pk=response.json()["id"])
    # then it waits for a supervisor, as the L1's own request, at its real USD value
    assert (request.state, request.decided_by_id, request.decided_at) == ("pending", None, None)
    assert request.requested_by_id == actors.l1.pk and request.requester_tier == "L1"
    assert str(request.amount_usd) == "80.00" and "over_limit" in request.waiting_reasons
    assert request.escalated_at is None and request.customer_id == own.customer_id
    assert not DecisionLog.objects.filter(request=request).exists()


def test_the_compensation_api_has_no_way_to_edit_or_delete_a_request(actors, victim):
    api = api_client(victim.agent)
    url = f"/api/v1/policies/requests/{victim.pending.pk}/"
    answers = [
        api.patch(url, {"state": "approved"}, format="json").status_code,
        api.put(url, {"state": "approved", "amount": "1"}, format="json").status_code,
        api.delete(url).status_code,
    ]
    assert answers == [405, 405, 405]
    victim.pending.refresh_from_db()
    assert victim.pending.state == "pending" and str(victim.pending.amount) == "150.000"


def test_a_decision_records_the_deciding_supervisor_not_the_one_named_in_the_body(actors, victim):
    response = api_client(victim.supervisor).post(
        f"/api/v1/policies/requests/{victim.pending.pk}/approve/",
        {"comment": "fine", "decided_by": actors.supervisor.pk, "decided_at": LONG_AGO, "decision": "rejected"},
        format="json",
    )
    assert response.status_code == 200
    victim.pending.refresh_from_db()
    assert (victim.pending.state, victim.pending.decided_by_id) == ("approved", victim.supervisor.pk)
    assert victim.pending.decided_at > timezone.now() - timedelta(minutes=1)


def test_ticket_page_forms_cannot_set_status_past_facts_nor_team(client, actors, complaint, teams):
    client.force_login(actors.l1)
    before = _as_stored(complaint)
    status = client.post(reverse("tickets:change", args=[complaint.pk, "status"]), {"status": "solved"})
    new = client.post(reverse("tickets:change", args=[complaint.pk, "status"]), {"status": "new"})
    team = client.post(reverse("tickets:change", args=[complaint.pk, "team"]), {"team": teams.america.pk})
    tier = client.post(reverse("tickets:change", args=[complaint.pk, "tier"]), {"tier": "L3"})
    facts = client.post(
        reverse("tickets:facts", args=[complaint.pk]),
        {"tracking_number": "", "status": "solved", "team": teams.america.pk, "solved_at": LONG_AGO},
    )
    assert (status.status_code, new.status_code, team.status_code, tier.status_code) == (422, 422, 404, 404)
    assert facts.status_code in (200, 302)
    assert _as_stored(complaint) == before


def test_the_request_form_and_the_decision_form_ignore_forged_fields(client, actors, victim, own, usd_tiers):
    client.force_login(actors.l1)
    client.post(
        reverse("policies:request_create", args=[own.pk]),
        {"kind": "partial_refund", "reason": "late", "amount": "80.00", "currency": "USD", "message_mode": "note",
         **FORGED_DECISION, "decided_by": actors.supervisor.pk},
    )  # fmt: skip
    request = CompensationRequest.objects.get(ticket=own)
    assert (request.state, request.decided_by_id, str(request.amount_usd)) == ("pending", None, "80.00")
    client.force_login(actors.supervisor)
    client.post(
        reverse("policies:decide", args=[request.pk]),
        {"decision": "rejected", "comment": "no", "decided_by": actors.l3.pk, "decided_at": LONG_AGO},
    )
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == ("rejected", actors.supervisor.pk)
    assert request.decided_at > timezone.now() - timedelta(minutes=1)


def test_preferences_change_the_language_only_never_tier_or_team(client, actors, teams):
    client.force_login(actors.l1)
    response = client.post(
        reverse("set_language"),
        {"language": "zh-hans", "tier": "L3", "team": teams.america.pk, "is_superuser": "on", "time_zone": "UTC"},
    )
    assert response.status_code == 302
    profile = AgentProfile.objects.select_related("user").get(user=actors.l1)
    assert (profile.ui_language, profile.tier, profile.team_id) == ("zh-hans", "L1", teams.europe.pk)
    assert profile.time_zone == "Asia/Shanghai" and not profile.user.is_superuser
    client.post(reverse("set_language"), {"language": "de"})  # not an agent interface language
    assert AgentProfile.objects.get(user=actors.l1).ui_language == "zh-hans"


def test_the_preferences_page_changes_language_and_zone_only(client, actors, teams):
    client.force_login(actors.l1)
    response = client.post(
        reverse("preferences"),
        {"ui_language": "zh-hans", "time_zone": "Europe/Berlin", "tier": "L3", "team": teams.america.pk,
         "on_shift": "", "languages": '["ja"]', "user": actors.supervisor.pk, "is_staff": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    profile = AgentProfile.objects.select_related("user").get(user=actors.l1)
    assert (profile.ui_language, profile.time_zone) == ("zh-hans", "Europe/Berlin")
    assert (profile.tier, profile.team_id, profile.languages, profile.on_shift) == (
        "L1",
        teams.europe.pk,
        ["en", "de"],
        True,
    )
    assert not profile.user.is_staff and AgentProfile.objects.get(user=actors.supervisor).ui_language == "en"


def test_the_care_form_records_the_supervisor_who_called(client, actors, victim):
    client.force_login(victim.supervisor)
    response = client.post(
        reverse("feedback:care_detail", args=[victim.care.pk]),
        {"outcome": "reached", "note": "ok", "handled_by": actors.supervisor.pk, "team": 1, "attempts": 99},
    )
    assert response.status_code == 302
    victim.care.refresh_from_db()
    assert (victim.care.handled_by_id, victim.care.attempts, victim.care.team_id) == (
        victim.supervisor.pk,
        1,
        victim.team.pk,
    )
