"""Records are kept as long as their kind's policy says: a dry run counts what would go, the daily
sweep removes it in batches, and a second run finds nothing more."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from logistics.models import WebhookDelivery
from privacy.models import RecordKind, RetentionPolicy
from privacy.services import retention_apply, retention_dry_run
from privacy.tasks import retention_sweep
from tests.factories import OrderFactory, ShipmentFactory
from tickets import services as tickets
from tickets.adapters import inbound_email_receive
from tickets.models import Attachment, InboundEmail, Message, Status, Ticket
from tickets.services.messages import AttachmentInput
from workspace.audit import audit_record
from workspace.models import AuditEntry

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _closed_ticket(customer, subject):
    ticket = tickets.ticket_create(
        customer=customer,
        subject=subject,
        body=f"{subject}: the words of the customer",
        channel="web",
        attachments=[AttachmentInput(name="box.png", content=PNG)],
    )
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    return ticket


@pytest.fixture
def aged(clock, actors, teams):
    """Records from 200 days ago (a closed ticket, an email, a webhook, an audit row) and a ticket closed today."""
    old = _closed_ticket(actors.customer, "Old trouble")
    inbound_email_receive(
        raw=b"From: someone@example.com\r\nSubject: hi\r\nMessage-ID: <old-1@example.com>\r\n\r\nHello there\r\n",
        source="test",
    )
    WebhookDelivery.objects.create(
        sender="aftership",
        dedup_key="old",
        body=b'{"name": "Lena Schmidt"}',
        signature_key=1,
        shipment=ShipmentFactory(order=OrderFactory(customer=actors.customer)),
        received_at=timezone.now(),
        processed_at=timezone.now(),
        state="processed",
    )
    audit_record(action="login", actor=actors.l1)
    clock.shift(timedelta(days=200))
    recent = _closed_ticket(actors.customer, "Recent trouble")
    return old, recent


def _counts(now=None):
    return {line.kind: line.count for line in retention_dry_run(now=now)}


def test_the_dry_run_counts_what_each_policy_would_remove_and_changes_nothing(aged):
    RetentionPolicy.objects.create(kind=RecordKind.CLOSED_TICKETS, keep_days=100)

    counts = _counts()

    assert counts == {
        "closed_tickets": 1,  # the old one; the recent one is kept
        "chat_transcripts": 0,
        "attachments": 0,  # two years by default
        "webhook_bodies": 1,  # thirty days
        "email_copies": 1,  # 180 days: the stored inbound email
        "audit_rows": 0,  # two years
    }
    assert Ticket.objects.filter(subject="Old trouble").exists()


def test_the_sweep_applies_the_policies_and_a_second_run_finds_nothing(aged):
    old, recent = aged
    RetentionPolicy.objects.create(kind=RecordKind.CLOSED_TICKETS, keep_days=100)
    RetentionPolicy.objects.create(kind=RecordKind.AUDIT_ROWS, keep_days=100)

    done = retention_sweep()

    assert done["closed_tickets"] == 1 and done["webhook_bodies"] == 1 and done["audit_rows"] >= 1
    old.refresh_from_db()
    assert old.subject == "[erased]" and old.status == Status.CLOSED and old.closed_at is not None
    assert set(Message.objects.filter(ticket=old).values_list("body", flat=True)) == {"[erased]"}
    assert not Attachment.objects.filter(ticket=old).exists()
    assert Ticket.objects.get(pk=recent.pk).subject == "Recent trouble"
    assert Attachment.objects.filter(ticket=recent).exists()
    assert bytes(WebhookDelivery.objects.get().body) == b""
    assert bytes(InboundEmail.objects.get().raw) == b""
    assert not AuditEntry.objects.filter(action="login").exists()

    assert sum(retention_apply().values()) == 0
    assert all(count == 0 for count in _counts().values())


def test_an_inactive_policy_is_reported_but_not_applied(aged):
    RetentionPolicy.objects.create(kind=RecordKind.WEBHOOK_BODIES, keep_days=30, is_active=False)

    retention_apply()

    assert bytes(WebhookDelivery.objects.get().body) != b""


def test_the_sweep_works_in_batches(clock, aged, settings):
    settings.PRIVACY_BATCH_SIZE = 1
    clock.shift(timedelta(minutes=1))
    RetentionPolicy.objects.create(kind=RecordKind.CLOSED_TICKETS, keep_days=0)

    assert retention_apply(max_batches=1)["closed_tickets"] == 1  # one of the two closed tickets
    assert retention_apply(max_batches=1)["closed_tickets"] == 1  # the next run continues
    assert Ticket.objects.filter(subject="[erased]").count() == 2


def test_the_admin_page_and_the_command_show_the_dry_run(client, actors, aged):
    client.force_login(actors.admin)
    page = client.get("/admin/privacy/retentionpolicy/report/").content.decode()
    assert 'id="retention-webhook_bodies"' in page and "<td>1</td>" in page

    out = io.StringIO()
    call_command("retention_report", stdout=out)
    assert "webhook_bodies: 1 older than" in out.getvalue()
    assert bytes(WebhookDelivery.objects.get().body) != b""  # a dry run

    call_command("retention_report", "--apply", stdout=io.StringIO())
    assert bytes(WebhookDelivery.objects.get().body) == b""
