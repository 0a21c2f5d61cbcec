"""The case library: every solved ticket's case is recorded within 24 hours (on solve, and by a
sweep for any the first path missed), and agents search it from the ticket page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import CaseRecord
from feedback.selectors import cases_search
from feedback.services.compensation import compensation_labels
from tests.factories import OrderFactory
from tickets import services as tickets

from .conftest import customer_in

pytestmark = pytest.mark.django_db

SHIPPED = {"tracking_number": "1Z999", "ship_date": "2026-02-20", "destination_country": "US"}


def test_the_sweep_records_the_case_of_a_solved_ticket_within_24_hours(solve, clock, categories):
    # Given a ticket solved while the on-solve task was lost (no on-commit hooks run here)
    ticket = solve(
        subject="Parcel stuck in customs",
        body="It has been in customs in Frankfurt for ten days.\nPlease help.",
        reply="We called the broker; the parcel was released and arrives on Friday.",
    )
    assert not CaseRecord.objects.exists()

    # When the periodic sweep runs an hour later
    clock.shift(timedelta(hours=1))
    assert services.cases_record_missing() == [ticket.pk]

    # Then the case holds the problem, the solution and where it happened
    case = CaseRecord.objects.get(ticket=ticket)
    assert case.problem == "Parcel stuck in customs\n\nIt has been in customs in Frankfurt for ten days.\nPlease help."
    assert case.solution == "We called the broker; the parcel was released and arrives on Friday."
    assert (case.category, case.country, case.language, case.rating) == (categories.other, "DE", "de", None)
    assert case.solved_at == ticket.solved_at
    assert case.compensation == [] and case.compensation_usd is None
    # and a second sweep finds nothing left to do
    assert services.cases_record_missing() == []


def test_the_case_is_recorded_on_solve(solve, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = solve()
    assert CaseRecord.objects.filter(ticket=ticket).exists()


def test_the_rating_is_added_when_it_arrives(sent_survey):
    invitation, _token = sent_survey()
    services.case_record(ticket_id=invitation.ticket_id)
    services.survey_respond(invitation=invitation, rating=5)
    assert CaseRecord.objects.get(ticket=invitation.ticket).rating == 5


def test_long_messages_are_trimmed_and_the_shipping_delay_is_kept(solve, actors, categories):
    ticket = solve(body="word " * 1000)
    ticket.facts = {
        "ship_date": (ticket.solved_at - timedelta(days=12)).date().isoformat(),
        "destination_country": "fr",
    }
    ticket.save(update_fields=["facts"])
    case = services.case_record(ticket_id=ticket.pk)
    assert case is not None
    assert len(case.problem) <= services.cases.PROBLEM_CHARS and case.problem.endswith("…")
    assert (case.delay_days, case.country) == (12, "FR")


def test_an_agents_summary_replaces_the_last_reply_and_survives_a_new_recording(solve, actors):
    ticket = solve(reply="Sorry for the trouble.")
    services.case_record(ticket_id=ticket.pk)
    services.case_set_summary(ticket=ticket, solution="Reshipped with express; 10% coupon.", actor=actors.l2)
    services.case_record(ticket_id=ticket.pk)
    case = CaseRecord.objects.get(ticket=ticket)
    assert (case.solution, case.solution_by_agent, case.summary_author) == (
        "Reshipped with express; 10% coupon.",
        True,
        actors.l2,
    )


def test_the_compensation_granted_is_read_from_policies(solve, actors, teams):
    policies_services = pytest.importorskip("policies.services")
    from policies.models import ExchangeRate

    ExchangeRate.objects.update_or_create(
        currency="EUR", date=timezone.now().date(), defaults={"units_per_usd": Decimal("0.8"), "source": "test"}
    )
    order = OrderFactory(customer=actors.customer, currency="EUR", total=Decimal("200.00"))
    ticket = solve(reply="")
    ticket.order = order
    ticket.save(update_fields=["order"])
    # (solved tickets can still get compensation; the case reads what was approved on this ticket)
    policies_services.compensation_request_create(
        ticket=ticket, actor=actors.l1, kind="partial_refund", reason="late", amount="20.00"
    )
    case = services.case_record(ticket_id=ticket.pk)
    assert case is not None
    assert case.compensation_usd == Decimal("25.00")
    assert case.compensation == [
        {"kind": "partial_refund", "currency": "EUR", "amount": "20.00", "amount_usd": "25.00"}
    ]
    assert compensation_labels(case.compensation) == ["Partial refund: EUR 20.00"]  # policies' label


def test_a_broken_policies_app_does_not_stop_the_case(solve, monkeypatch):
    import policies.selectors

    def broken(ticket):
        raise RuntimeError("policies mid-migration")

    monkeypatch.setattr(policies.selectors, "committed_on_ticket", broken)
    ticket = solve()
    case = services.case_record(ticket_id=ticket.pk)
    assert case is not None and case.compensation == [] and case.compensation_usd is None


def test_without_an_app_reading_compensation_the_case_records_none(solve, monkeypatch):
    # feedback reads compensation only through the reader registered with tickets (policies does)
    import tickets.compensation

    monkeypatch.setattr(tickets.compensation, "_READERS", [])
    ticket = solve()
    case = services.case_record(ticket_id=ticket.pk)
    assert case is not None and case.compensation == [] and case.compensation_usd is None
    assert compensation_labels([{"kind": "odd_kind", "currency": "EUR", "amount": "1.00"}]) == ["odd_kind: EUR 1.00"]


@pytest.fixture
def library(solve, categories, teams, actors):
    """Solved cases: two about customs (one logistics, one other), one about a wrong size."""
    us = customer_in("America/New_York", country="US")
    customs_logistics = solve(
        us,
        subject="Customs hold",
        body="My parcel is held by customs.",
        reply="We sent the commercial invoice to customs; released in 2 days.",
        category=categories.logistics,
        agent=actors.other_team_agent,
        facts=SHIPPED,
    )
    customs_other = solve(
        subject="Customs question",
        body="Do I pay customs duties on my parcel?",
        reply="Duties are included; customs will not charge you.",
        category=categories.other,
    )
    size = solve(
        subject="Wrong size", body="I got XL instead of M.", reply="We exchange it for free.", category=categories.other
    )
    for ticket in (customs_logistics, customs_other, size):
        services.case_record(ticket_id=ticket.pk)
    return customs_logistics, customs_other, size


def test_full_text_search_shows_the_same_category_first(library, categories):
    customs_logistics, customs_other, size = library
    found = cases_search(query="customs parcel", category_id=categories.logistics.pk)
    assert [c.ticket_id for c in found] == [customs_logistics.pk, customs_other.pk]
    found = cases_search(query="customs", category_id=categories.other.pk)
    assert [c.ticket_id for c in found] == [customs_other.pk, customs_logistics.pk]
    assert [c.ticket_id for c in cases_search(query="exchange")] == [size.pk]
    assert cases_search(query="nothing-like-this") == []


def test_the_search_uses_the_gin_index(library):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_search_gin'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition


def test_the_ticket_page_shows_the_case_panel_with_similar_cases(library, solve, actors, client, categories):
    # Given an open logistics ticket about customs
    ticket = tickets.ticket_create(
        customer=actors.customer,
        subject="Held at customs",
        body="Customs hold again",
        channel="email",
        category=categories.logistics,
    )
    client.force_login(actors.l1)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'id="case-library"' in page
    assert "We sent the commercial invoice to customs" in page  # the same-category case
    assert 'data-case-insert="id_reply-body"' in page
    assert f"?draft={library[0].case.pk}" in page
    assert "feedback/cases.js" in page and "<script>" not in page


def test_searching_from_the_panel_returns_a_fragment_for_htmx(library, actors, client, categories):
    ticket = tickets.ticket_create(
        customer=actors.customer, subject="Sizes", body="Which size?", channel="email", category=categories.other
    )
    client.force_login(actors.l1)
    url = reverse("feedback:cases")
    fragment = client.get(url, {"q": "exchange", "ticket": ticket.pk}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "We exchange it for free." in html and "<html" not in html
    full = client.get(url, {"q": "customs"})
    assert full.status_code == 200 and "<html" in full.content.decode()
    client.logout()
    assert client.get(url).status_code == 302
