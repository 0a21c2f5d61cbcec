"""Tracking webhooks and shipments under attack: forged or missing signatures, a real signature
on a changed body, oversized bodies, replayed deliveries; and another team's shipments through
the pages. (tests/logistics/test_webhooks.py covers the formats and rotation; these are the
attacker's attempts.)"""

from __future__ import annotations

import hmac
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from logistics.defaults import seed_defaults
from logistics.models import Carrier, ExceptionRule, Shipment, ShipmentException, TrackingEvent, WebhookDelivery
from logistics.services import intake, rules_cache_clear, shipment_add
from tests.logistics.helpers import AFTERSHIP_SECRET, SEVENTEENTRACK_KEY, fixture_body, post, sign

from .conftest import changed_tables, changes_so_far

pytestmark = pytest.mark.django_db

BODIES = {"aftership": "aftership_in_transit.json", "17track": "17track_in_transit.json"}


@pytest.fixture(autouse=True)
def _logistics(settings):
    settings.AFTERSHIP_WEBHOOK_SECRETS = [AFTERSHIP_SECRET]
    settings.SEVENTEENTRACK_API_KEYS = [SEVENTEENTRACK_KEY]
    seed_defaults(Carrier, ExceptionRule)  # a transactional test before may have emptied them
    rules_cache_clear()


def _forgeries(sender: str, body: bytes) -> dict[str, str | None]:
    canonical = json.dumps(json.loads(body), separators=(",", ":"), sort_keys=True).encode()
    other = "17track" if sender == "aftership" else "aftership"
    right = sign(sender, body)
    return {
        "no header": None,
        "empty": "",
        "garbage": "not-a-signature",
        "another secret": sign(sender, body, "guessed-secret"),
        "an empty secret": intake.aftership_signature(body, "")
        if sender == "aftership"
        else intake.seventeentrack_signature(body, ""),
        "the other sender's scheme": sign(other, body, AFTERSHIP_SECRET if other == "aftership" else None),
        "over the re-serialised JSON": sign(sender, canonical),
        "truncated": right[:-4],
        "with a trailing byte": right + "A",
    }


@pytest.mark.parametrize("sender", ["aftership", "17track"])
def test_a_forged_or_missing_signature_is_401_and_changes_nothing(client, sender):
    body = fixture_body(BODIES[sender])
    answers = {}
    for what, signature in _forgeries(sender, body).items():
        before = changes_so_far()
        if signature is None:
            response = client.generic("POST", f"/webhooks/{sender}/", body, content_type="application/json")
        else:
            response = post(client, sender, body, signature)
        answers[what] = response.status_code
        assert not changed_tables(before, changes_so_far()), what
    assert answers == dict.fromkeys(answers, 401)
    assert not WebhookDelivery.objects.exists() and not Shipment.objects.exists()


@pytest.mark.parametrize("sender", ["aftership", "17track"])
def test_a_real_signature_does_not_cover_a_changed_body(client, sender):
    # given a delivery captured in transit, whose status an attacker turns into "delivered"
    body = fixture_body(BODIES[sender])
    signature = sign(sender, body)
    tampered = body.replace(b"InTransit", b"Delivered").replace(b'"status": "InTransit"', b'"status": "Delivered"')
    tampered = tampered if tampered != body else body.replace(b"}", b', "x": 1}', 1)
    # then the old signature on the new body is refused
    assert post(client, sender, tampered, signature).status_code == 401
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("sender", ["aftership", "17track"])
def test_signatures_are_compared_in_constant_time_over_the_raw_bytes(client, sender, monkeypatch):
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):  # type: ignore[no-untyped-def]
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(intake.hmac, "compare_digest", spy)
    body = fixture_body(BODIES[sender])
    post(client, sender, body, "wrong")
    assert compared, "the signature was not compared with hmac.compare_digest"
    assert compared[0][0] == sign(sender, body).encode()  # computed over the bytes as sent


def test_an_oversized_body_is_refused_before_its_signature_is_even_checked(client, settings, monkeypatch):
    settings.LOGISTICS_WEBHOOK_MAX_BYTES = 2048
    checked: list[int] = []
    monkeypatch.setattr(intake, "verify_signature", lambda **kwargs: checked.append(1))
    body = fixture_body("aftership_delivered.json") + b" " * 4096
    for sender in ("aftership", "17track"):
        assert post(client, sender, body, sign(sender, body)).status_code == 413
    assert checked == [] and not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("sender", ["aftership", "17track"])
def test_replaying_a_delivery_changes_nothing(sender, actors, client, django_capture_on_commit_callbacks):
    from tests.factories import OrderFactory

    OrderFactory(customer=actors.customer, external_number="EX2000001", currency="EUR")
    OrderFactory(customer=actors.customer, external_number="EX2000002", currency="EUR")
    body = fixture_body(BODIES[sender])
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, sender, body)
    events = TrackingEvent.objects.count()
    status = list(Shipment.objects.values_list("status", "last_event_at"))
    before = changes_so_far()
    with django_capture_on_commit_callbacks(execute=True):
        replays = [post(client, sender, body).status_code for _ in range(3)]
    assert first.status_code == 202 and replays == [200, 200, 200]
    assert WebhookDelivery.objects.count() == 1 and TrackingEvent.objects.count() == events
    assert list(Shipment.objects.values_list("status", "last_event_at")) == status
    assert not changed_tables(before, changes_so_far()) - {"logistics_webhookdelivery"}


@pytest.fixture
def foreign_shipment(victim):
    """A shipment on the other team's order, with an open exception on their ticket."""
    shipment = shipment_add(ticket=victim.ticket, actor=victim.agent, tracking_number="1Z999AA10123456784")
    ShipmentException.objects.create(
        shipment=shipment,
        kind="lost",
        detail="Victim parcel lost",
        carrier_name="UPS",
        destination_country="US",
        detected_at=timezone.now(),
        ticket=victim.ticket,
    )
    return shipment


def test_another_teams_shipments_answer_404_and_stay_as_they_are(client, actors, victim, own, foreign_shipment):
    client.force_login(actors.supervisor)
    victim_ticket = victim.ticket.pk
    attempts = [
        client.post(reverse("logistics:tracking_add", args=[victim_ticket]), {"tracking-tracking_number": "X1234567"}),
        client.get(reverse("logistics:shipment_edit", args=[victim_ticket, foreign_shipment.pk])),
        client.post(
            reverse("logistics:shipment_edit", args=[victim_ticket, foreign_shipment.pk]),
            {"tracking-tracking_number": "EVIL12345"},
        ),
        # through our own ticket, naming their shipment
        client.get(reverse("logistics:shipment_edit", args=[own.pk, foreign_shipment.pk])),
        client.post(
            reverse("logistics:shipment_edit", args=[own.pk, foreign_shipment.pk]),
            {"tracking-tracking_number": "EVIL12345"},
        ),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    foreign_shipment.refresh_from_db()
    assert foreign_shipment.tracking_number == "1Z999AA10123456784"
    assert Shipment.objects.filter(order=victim.order).count() == 1
    page = client.get(reverse("logistics:exceptions")).content.decode()
    assert "Victim parcel lost" not in page and "1Z999AA10123456784" not in page
    client.force_login(victim.supervisor)  # the control: their own team sees it
    assert "1Z999AA10123456784" in client.get(reverse("logistics:exceptions")).content.decode()
