"""Demo data a newcomer can click through: parcels in trouble with their tracking, canned replies for
every category in every language, agents on shifts, and webhooks that accept the sample deliveries
in the quick start."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from demo.data import CUSTOMERS
from logistics.models import Shipment, ShipmentException, TrackingEvent, WebhookDelivery
from tickets.models import CannedReply, Category, Shift, TicketEvent

ROOT = Path(__file__).resolve().parents[2]


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_seed_demo_has_a_parcel_held_in_customs_and_a_stalled_one_on_demo_orders():
    seed()
    demo_emails = {email for _name, email, *_rest in CUSTOMERS}
    open_exceptions = ShipmentException.objects.filter(resolved_at__isnull=True).select_related(
        "shipment__order__customer"
    )
    by_kind = {e.kind: e.shipment for e in open_exceptions}
    assert {"customs_held", "stalled"} <= set(by_kind)
    for shipment in (by_kind["customs_held"], by_kind["stalled"]):
        assert shipment.order.customer.email in demo_emails
        assert TrackingEvent.objects.filter(shipment=shipment).count() >= 3
        # added on the customer's ticket, so the ticket's history tells it
        assert TicketEvent.objects.filter(ticket__order=shipment.order, kind="tracking_added").exists()
    assert by_kind["customs_held"].status == "customs"


@pytest.mark.django_db
def test_seed_demo_has_canned_replies_for_every_category_in_every_language():
    seed()
    languages = [code.replace("-", "_") for code, _name in settings.LANGUAGES]
    for category in Category.objects.all():
        replies = CannedReply.objects.filter(category=category)
        assert replies.exists(), category.slug
        for reply in replies:
            for language in languages:
                assert getattr(reply, f"body_{language}"), (reply.title, language)


@pytest.mark.django_db
def test_seed_demo_puts_agents_on_every_shift():
    seed()
    shifts = list(Shift.objects.all())
    assert len(shifts) >= 3
    for shift in shifts:
        assert shift.agents.exists(), shift.name


def test_the_quick_start_accepts_the_sample_secrets_and_production_does_not():
    code = "import django, os; django.setup(); from django.conf import settings as s; "
    code += "import json; print(json.dumps([s.AFTERSHIP_WEBHOOK_SECRETS, s.SEVENTEENTRACK_API_KEYS]))"

    def secrets(debug: str) -> list[list[str]]:
        env = {k: v for k, v in os.environ.items() if k not in ("AFTERSHIP_WEBHOOK_SECRETS", "SEVENTEENTRACK_API_KEYS")}
        env.update(DJANGO_SETTINGS_MODULE="helpdesk.settings", DEBUG=debug, SECRET_KEY="x" * 50)
        env.pop("TESTING", None)
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert secrets("1") == [["test_aftership_webhook_secret"], ["TEST17TRACKAPIKEY0000000000000000"]]
    assert secrets("0") == [[], []]


@pytest.mark.django_db(transaction=True)
def test_the_sample_deliveries_are_posted_signed_and_accepted(live_server, settings):
    settings.AFTERSHIP_WEBHOOK_SECRETS = [settings.DEMO_AFTERSHIP_WEBHOOK_SECRET]
    settings.SEVENTEENTRACK_API_KEYS = [settings.DEMO_SEVENTEENTRACK_API_KEY]
    seed()
    out = io.StringIO()
    call_command("post_sample_delivery", url=live_server.url, stdout=out)
    assert out.getvalue().count(": 20") == 4, out.getvalue()
    numbers = set(WebhookDelivery.objects.values_list("tracking_number", flat=True))
    assert {"YT2625318840217743", "YT2624907716350028", "LZ204817360CN", "4821937056"} <= numbers
    # the demo parcel the in-transit sample is about moved
    parcel = Shipment.objects.get(tracking_number="YT2625318840217743")
    assert TrackingEvent.objects.filter(shipment=parcel).exists()


def test_the_samples_in_the_repository_are_the_shared_ones_byte_for_byte():
    from tests.logistics.helpers import SAMPLE_SIGNATURES, sign

    for name, signature in SAMPLE_SIGNATURES.items():
        body = (ROOT / "docs" / "samples" / name).read_bytes()
        assert sign("17track" if name.startswith("17track") else "aftership", body) == signature
