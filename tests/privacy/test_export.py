"""A supervisor downloads everything held about a customer: JSON, a readable page and the files."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from workspace.models import AuditEntry

pytestmark = pytest.mark.django_db


def _download(client, user, customer):
    client.force_login(user)
    return client.post(f"/privacy/customers/{customer.pk}/export/")


def test_the_export_holds_every_record_of_the_customer_and_their_files(client, actors, held):
    response = _download(client, actors.supervisor, held.customer)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    records = data["records"]
    assert records["tickets.Customer"][0]["email"] == "lena@example.de"
    assert [t["id"] for t in records["tickets.Ticket"]] == [held.ticket.pk]
    kinds = [m["kind"] for m in records["tickets.Message"]]
    assert kinds == ["customer", "reply", "customer", "note"]  # hers, the reply, her email, the refund's note
    assert records["tickets.Order"][0]["total"] == "120.000"
    assert records["policies.CompensationRequest"][0]["reason_detail"].startswith("Refund for Lena")
    assert len(records["policies.CompensationGrant"]) == 1
    assert records["logistics.Shipment"][0]["tracking_number"] == held.shipment.tracking_number
    assert len(records["logistics.TrackingEvent"]) == 1
    assert "Hauptstrasse" in records["logistics.WebhookDelivery"][0]["body"]
    assert records["feedback.SurveyResponse"][0]["comment"] == "Lena here: too slow"
    assert records["feedback.CareFollowUp"][0]["note"] == "Lena"
    assert records["feedback.CaseRecord"][0]["problem"].startswith("Lena's parcel")
    assert records["workspace.Notification"][0]["text"] == "Lena Schmidt waits"
    assert any("Thank you" in bytes_text for bytes_text in [e["raw"] for e in records["tickets.InboundEmail"]])
    assert [e["to"] for e in records["tickets.OutboundEmail"]] == ["lena@example.de"] * 3  # ack, reply, refund
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert len(files) == 1 and files[0].endswith("photo-of-the-box.png")
    assert archive.read(files[0]).startswith(b"\x89PNG")
    page = archive.read("index.html").decode()
    assert "parcel never reached Hauptstrasse" in page and "Hauptstrasse" in page


def test_the_export_is_audited(client, actors, held):
    _download(client, actors.supervisor, held.customer)

    entry = AuditEntry.objects.get(action="privacy.export")
    assert entry.actor == actors.supervisor
    assert (entry.target_type, entry.target_id) == ("Customer", str(held.customer.pk))


def test_an_agent_may_not_export(client, actors, held):
    assert _download(client, actors.l1, held.customer).status_code == 403
    assert not AuditEntry.objects.filter(action="privacy.export").exists()


def test_the_customer_page_is_linked_from_the_ticket_for_supervisors_only(client, actors, held):
    client.force_login(actors.supervisor)
    page = client.get(held.ticket.get_absolute_url()).content.decode()
    assert f"/privacy/customers/{held.customer.pk}/" in page
    client.force_login(actors.l1)
    assert f"/privacy/customers/{held.customer.pk}/" not in client.get(held.ticket.get_absolute_url()).content.decode()


def test_the_management_command_writes_the_same_archive(held, tmp_path):
    target = tmp_path / "lena.zip"

    call_command("export_customer_data", "lena@example.de", "--output", str(target), stdout=io.StringIO())

    data = json.loads(zipfile.ZipFile(target).read("data.json"))
    assert data["customer_id"] == held.customer.pk
    assert AuditEntry.objects.filter(action="privacy.export", target_id=str(held.customer.pk)).exists()


def test_the_customers_admin_page_links_to_their_data_page(client, actors, held):
    client.force_login(actors.admin)
    page = client.get(f"/admin/tickets/customer/{held.customer.pk}/change/").content.decode()
    assert f'href="/privacy/customers/{held.customer.pk}/"' in page
