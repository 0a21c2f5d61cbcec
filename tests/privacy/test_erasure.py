"""A customer asks to be forgotten: after the grace period, their data is gone everywhere, while
every figure in the reports stays as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from helpdesk.errors import ServiceError
from logistics.models import WebhookDelivery
from policies.models import CompensationGrant, CompensationRequest
from privacy import services
from privacy.models import ErasureRequest
from privacy.tasks import erasure_sweep
from reports.selectors import EXPORTS
from reports.services import summary_refresh
from tests.privacy.leaks import columns_holding
from tickets.models import Attachment, InboundEmail, Message, OutboundEmail, Ticket
from tickets.selectors import search_tickets
from workspace.models import AuditEntry

pytestmark = pytest.mark.django_db

GRACE = timedelta(days=14)


def _report_csvs(user) -> dict[str, str]:
    """Every figure of the reports, as the CSV exports give them to a supervisor."""
    summary_refresh(full=True)
    client = Client()
    client.force_login(user)
    return {
        name: b"".join(client.get(f"/reports/export/{name}.csv?by=country").streaming_content).decode()
        for name in EXPORTS
    }


def test_erasure_waits_for_the_grace_period_then_removes_the_customers_data_everywhere(clock, actors, held):
    file_name = Attachment.objects.get().file.name
    services.erasure_request(customer=held.customer, actor=actors.supervisor, reason="Asked by email")

    assert erasure_sweep() == 0  # within the grace period nothing happens
    assert Ticket.objects.get().subject == "Parcel lost on the way to Berlin"

    clock.shift(GRACE + timedelta(minutes=1))
    assert erasure_sweep() == 1

    held.customer.refresh_from_db()
    assert (held.customer.name, held.customer.email, held.customer.phone) == ("[erased]", "", "")
    assert Ticket.objects.get().subject == "[erased]"
    assert set(Message.objects.values_list("body", flat=True)) == {"[erased]"}
    assert not Attachment.objects.exists() and not default_storage.exists(file_name)
    assert {bytes(raw) for raw in InboundEmail.objects.values_list("raw", flat=True)} == {b""}
    assert set(OutboundEmail.objects.values_list("to", "body_text")) == {("", "[erased]")}
    assert bytes(WebhookDelivery.objects.get().body) == b""
    held.response.refresh_from_db()
    held.care.refresh_from_db()
    held.case.refresh_from_db()
    held.notice.refresh_from_db()
    assert (held.response.comment, held.response.rating) == ("", 2)
    assert (held.care.note, held.case.problem, held.notice.text) == ("", "[erased]", "[erased]")
    request = CompensationRequest.objects.get()
    assert request.reason_detail == "" and request.amount == held.request.amount
    assert not search_tickets(Ticket.objects.all(), "Hauptstrasse").exists()
    assert not search_tickets(Ticket.objects.all(), "Berlin").exists()
    for words in ("Hauptstrasse", "lena@example.de", "Lena", "5550 1234"):
        assert columns_holding(words.replace(" ", "")) == [], words


def test_a_quarantined_email_of_the_customer_is_found_and_emptied_too(clock, actors, held):
    from tickets.adapters import inbound_email_receive

    stray = inbound_email_receive(raw=b"From: lena@example.de\r\nSubject: x\r\n\r\n", source="test")
    assert stray.state == InboundEmail.State.QUARANTINED and stray.ticket is None

    services.erasure_request(customer=held.customer, actor=actors.supervisor)
    clock.shift(GRACE + timedelta(minutes=1))
    erasure_sweep()

    stray.refresh_from_db()
    assert bytes(stray.raw) == b""


def test_an_email_sent_to_the_customer_about_no_ticket_is_emptied_too(clock, actors, held):
    """A one-time code for the order page is sent about no ticket: found by the address."""
    code = OutboundEmail.objects.create(
        key="test:code",
        to=held.customer.email.upper(),
        subject="Your code",
        body_text="Your code is 123456",
        due_at=timezone.now(),
    )
    other = OutboundEmail.objects.create(
        key="test:other", to="someone@example.org", subject="s", body_text="b", due_at=timezone.now()
    )

    services.erasure_request(customer=held.customer, actor=actors.supervisor)
    clock.shift(GRACE + timedelta(minutes=1))
    erasure_sweep()

    code.refresh_from_db()
    other.refresh_from_db()
    assert code.to == "" and "123456" not in code.body_text
    assert other.to == "someone@example.org" and other.body_text == "b"


def test_erasure_is_audited_and_a_second_sweep_changes_nothing(clock, actors, held):
    erasure = services.erasure_request(customer=held.customer, actor=actors.supervisor)
    clock.shift(GRACE + timedelta(minutes=1))
    erasure_sweep()
    erasure.refresh_from_db()
    done_at = erasure.completed_at

    assert erasure_sweep() == 0

    erasure.refresh_from_db()
    assert erasure.state == ErasureRequest.State.DONE and erasure.completed_at == done_at
    assert erasure.summary["tickets.Message"] == 4
    actions = list(AuditEntry.objects.filter(target_type="Customer").values_list("action", flat=True))
    assert actions == ["privacy.erasure_requested", "privacy.erasure_done"]


def test_erasure_leaves_every_report_figure_unchanged(clock, actors, held):
    before = _report_csvs(actors.admin)
    grants = list(CompensationGrant.objects.values_list("amount", "currency", "amount_usd"))
    # The customer's ticket, refund and order are counted: by country, by kind, against the order's value.
    assert "Germany,1," in before["breakdown"] and "Partial refund,1,25.00" in before["compensation_kind"]
    assert "1,25.00,150.00" in before["order_share"] and held.ticket.reference in before["tickets"]

    services.erasure_request(customer=held.customer, actor=actors.supervisor)
    clock.shift(GRACE + timedelta(minutes=1))
    erasure_sweep()
    clock.shift(-(GRACE + timedelta(minutes=1)))  # the same report period as before

    assert _report_csvs(actors.admin) == before
    assert list(CompensationGrant.objects.values_list("amount", "currency", "amount_usd")) == grants


def test_a_cancelled_erasure_is_never_carried_out(clock, actors, held):
    erasure = services.erasure_request(customer=held.customer, actor=actors.supervisor)
    services.erasure_cancel(erasure=erasure, actor=actors.supervisor)
    clock.shift(GRACE * 2)

    assert erasure_sweep() == 0
    held.customer.refresh_from_db()
    assert held.customer.email == "lena@example.de"
    assert AuditEntry.objects.filter(action="privacy.erasure_cancelled").exists()


def test_the_page_shows_the_dry_run_and_a_confirmed_request_plans_the_erasure(client, clock, actors, held):
    client.force_login(actors.supervisor)
    page = client.get(f"/privacy/customers/{held.customer.pk}/").content.decode()
    assert "Messages" in page and "anonymised" in page and "deleted, with their files" in page

    unconfirmed = client.post(f"/privacy/customers/{held.customer.pk}/erasure/", {"reason": "GDPR"})
    assert unconfirmed.status_code == 422 and not ErasureRequest.objects.exists()

    client.post(f"/privacy/customers/{held.customer.pk}/erasure/", {"reason": "GDPR", "confirm": "on"})
    erasure = ErasureRequest.objects.get()
    assert erasure.due_at == erasure.requested_at + GRACE and erasure.requested_by == actors.supervisor

    again = client.post(f"/privacy/customers/{held.customer.pk}/erasure/", {"confirm": "on"}, follow=True)
    assert "already waiting" in again.content.decode() and ErasureRequest.objects.count() == 1


def test_an_agent_cannot_reach_the_page_nor_request_an_erasure(client, actors, held):
    client.force_login(actors.l1)
    assert client.get(f"/privacy/customers/{held.customer.pk}/").status_code == 403
    assert client.post(f"/privacy/customers/{held.customer.pk}/erasure/", {"confirm": "on"}).status_code == 403
    assert not ErasureRequest.objects.exists()


def test_the_database_lets_an_erasure_empty_a_decided_requests_text_but_never_its_figures(held):
    from django.db import IntegrityError, transaction

    from privacy.services.scrub import ERASING_FLAG, set_flag

    rows = CompensationRequest.objects.filter(pk=held.request.pk)
    assert rows.get().state != "pending"  # decided at once, within the agent's authority: final
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(reason_detail="")  # without the flag: refused as ever
    with pytest.raises(IntegrityError), transaction.atomic():
        set_flag(ERASING_FLAG)
        rows.update(reason_detail="", amount=1)
    with transaction.atomic():
        set_flag(ERASING_FLAG)
        assert rows.update(reason_detail="") == 1


def test_a_supervisor_of_another_team_does_not_see_the_customer(client, teams, held):
    from helpdesk import roles
    from tests.factories import make_staff

    other = make_staff(team=teams.america, tier="L3", group=roles.SUPERVISOR_GROUP, username="us-super")
    client.force_login(other)

    assert client.get(f"/privacy/customers/{held.customer.pk}/").status_code == 404
    assert client.post(f"/privacy/customers/{held.customer.pk}/export/").status_code == 404
    assert client.post(f"/privacy/customers/{held.customer.pk}/erasure/", {"confirm": "on"}).status_code == 404
    assert not ErasureRequest.objects.exists()


def test_two_records_each_waiting_for_erasure_are_not_merged_and_nothing_moves(actors):
    from tests.factories import CustomerFactory
    from tickets.services import customer_merge

    whatsapp, shop = CustomerFactory(phone="+4915112345678"), CustomerFactory(email="ana@example.com")
    for customer in (whatsapp, shop):
        services.erasure_request(customer=customer, actor=actors.supervisor)

    with pytest.raises(ServiceError, match=r"only one of \(erasure request\)"):
        customer_merge(source=whatsapp, target=shop, actor=actors.supervisor)

    assert ErasureRequest.objects.filter(customer=whatsapp).count() == 1
