"""Every exception rule with controlled time: customs held past the threshold (or a customs problem
at once), no update for N days by service type and country, failed delivery, returning or returned,
lost, damaged; resolution when the tracking moves on; rules as data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from logistics import tasks
from logistics.models import ExceptionRule, Shipment, ShipmentException
from logistics.services.detection import shipments_due_for_check

from .helpers import aftership_single, aftership_with, checkpoint, fixture_body, seventeen_event, seventeen_with

pytestmark = pytest.mark.django_db

CUSTOMS_START = datetime(2026, 10, 4, 7, 0, tzinfo=UTC)  # aftership_customs.json: 09:00 at +02:00


def _open(kind: str | None = None) -> list[ShipmentException]:
    rows = ShipmentException.objects.filter(resolved_at__isnull=True)
    return list(rows.filter(kind=kind) if kind else rows)


def _sweep() -> dict[str, int]:
    return tasks.exceptions_sweep()


# --- customs held longer than the threshold ---------------------------------------------------


def test_customs_held_opens_once_the_threshold_passes_and_not_before(webhook, shop):
    with time_machine.travel(CUSTOMS_START + timedelta(hours=2), tick=False) as clock:
        webhook("aftership", fixture_body("aftership_customs.json"))
        assert Shipment.objects.get().customs_started_at == CUSTOMS_START
        assert _open() == []

        clock.move_to(CUSTOMS_START + timedelta(hours=71))
        assert _sweep()["opened"] == 0

        clock.move_to(CUSTOMS_START + timedelta(hours=73))
        assert _sweep()["opened"] == 1
        exception = _open("customs_held")[0]
        assert exception.detail == "held in customs for 73 h"
        assert exception.detected_at == CUSTOMS_START + timedelta(hours=73)
        assert exception.ticket is not None

        assert _sweep() == {"opened": 0, "acted": 0}  # a second run finds nothing to do


def test_customs_released_after_more_than_the_threshold_but_learnt_late_opens_nothing(webhook, shop):
    """Released is moved on: a delay already over has nothing left to tell the customer."""
    released = CUSTOMS_START + timedelta(hours=96)
    body = aftership_with(
        "aftership_customs.json",
        checkpoint(released.isoformat(), "InTransit", "InTransit_005", "Customs clearance completed"),
        tag="InTransit",
        subtag="InTransit_005",
        event_id="released-late",
    )
    with time_machine.travel(released + timedelta(hours=1), tick=False):
        webhook("aftership", body)

    shipment = Shipment.objects.get()
    assert (shipment.customs_started_at, shipment.customs_released_at) == (CUSTOMS_START, released)
    assert _open() == []


def test_a_country_rule_overrides_the_default_customs_threshold(webhook, shop):
    ExceptionRule.objects.create(kind="customs_held", destination_country="DE", threshold_hours=120)
    with time_machine.travel(CUSTOMS_START + timedelta(hours=2), tick=False) as clock:
        webhook("aftership", fixture_body("aftership_customs.json"))
        clock.move_to(CUSTOMS_START + timedelta(hours=73))
        assert _sweep()["opened"] == 0
        clock.move_to(CUSTOMS_START + timedelta(hours=121))
        assert _sweep()["opened"] == 1


@pytest.mark.parametrize(
    ("sender", "name", "now"),
    [
        ("aftership", "aftership_customs_documents.json", datetime(2026, 10, 5, 9, 0, tzinfo=UTC)),
        ("17track", "17track_customs_information.json", datetime(2026, 10, 7, 8, 0, tzinfo=UTC)),
    ],
)
def test_a_customs_problem_opens_at_once(webhook, shop, sender, name, now):
    with time_machine.travel(now, tick=False):
        webhook(sender, fixture_body(name))

    assert [e.kind for e in _open()] == ["documents_missing"]  # the carrier said so: at once
    assert _open()[0].detail.startswith("Customs: documents missing or incorrect (")


@pytest.mark.parametrize(
    ("subtag", "sub_status", "kind"),
    [("Exception_006", "customs_duties", "duties_held"), ("Exception_018", "customs_documents", "documents_missing")],
)
def test_duties_unpaid_and_missing_documents_are_customs_problems(webhook, shop, subtag, sub_status, kind):
    body = aftership_with(
        "aftership_customs.json",
        checkpoint("2026-10-04T12:00:00+02:00", "Exception", subtag, "Held by customs"),
        tag="Exception",
        subtag=subtag,
        event_id=f"customs-{subtag}",
    )
    with time_machine.travel(datetime(2026, 10, 4, 11, 0, tzinfo=UTC), tick=False):
        webhook("aftership", body)

    assert Shipment.objects.get().sub_status == sub_status
    assert [e.kind for e in _open()] == [kind]


def test_clearance_resolves_a_customs_problem(webhook, shop):
    with time_machine.travel(datetime(2026, 10, 7, 8, 0, tzinfo=UTC), tick=False):
        webhook("17track", fixture_body("17track_customs_information.json"))
        body = seventeen_with(
            "17track_customs_information.json",
            seventeen_event("2026-10-07T08:30:00Z", "InTransit_CustomsReleased", "Released by customs"),
            status="InTransit",
            sub_status="InTransit_CustomsReleased",
        )
        webhook("17track", body)

    assert _open() == []
    assert ShipmentException.objects.get().resolved_at == datetime(2026, 10, 7, 8, 0, tzinfo=UTC)


# --- no update for N days -----------------------------------------------------------------------

T0 = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)
PARCELS = {
    "express": ("1234567890", "dhl"),
    "dedicated_line": ("YT2627400000000027", "yunexpress"),
    "postal": ("RR123456785CN", "china-post"),
}


def _three_parcels(webhook) -> dict[str, Shipment]:
    for number, slug in PARCELS.values():
        webhook("aftership", aftership_single(number, slug, T0.isoformat()))
    return {s.service_type: s for s in Shipment.objects.all()}


def _stalled() -> set[str]:
    return {e.shipment.service_type for e in _open("stalled")}


def test_no_update_for_4_7_and_10_days_by_service_type(webhook, shop):
    with time_machine.travel(T0 + timedelta(hours=1), tick=False) as clock:
        shipments = _three_parcels(webhook)
        assert set(shipments) == {"express", "dedicated_line", "postal"}

        clock.move_to(T0 + timedelta(days=4) - timedelta(hours=1))
        _sweep()
        assert _stalled() == set()
        clock.move_to(T0 + timedelta(days=4, hours=1))
        _sweep()
        assert _stalled() == {"express"}
        clock.move_to(T0 + timedelta(days=7, hours=1))
        _sweep()
        assert _stalled() == {"express", "dedicated_line"}
        clock.move_to(T0 + timedelta(days=10, hours=1))
        _sweep()
        assert _stalled() == {"express", "dedicated_line", "postal"}
        assert _open("stalled")[0].detail.startswith("no tracking update for")


def test_a_country_rule_gives_its_own_stall_threshold(webhook, shop):
    ExceptionRule.objects.create(kind="stalled", destination_country="DE", service_type="postal", threshold_hours=48)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False) as clock:
        _three_parcels(webhook)
        clock.move_to(T0 + timedelta(days=2, hours=1))
        _sweep()
        assert _stalled() == {"postal"}


def test_a_new_scan_resolves_the_stall(webhook, shop):
    with time_machine.travel(T0 + timedelta(hours=1), tick=False) as clock:
        _three_parcels(webhook)
        clock.move_to(T0 + timedelta(days=4, hours=1))
        _sweep()
        assert _stalled() == {"express"}

        later = (T0 + timedelta(days=4, hours=2)).isoformat()
        webhook("aftership", aftership_single("1234567890", "dhl", later, subtag="InTransit_003"))

        assert _stalled() == set()
        assert ShipmentException.objects.get(kind="stalled").resolved_at is not None


def test_a_number_that_never_got_a_scan_stalls_too(shop, actors, categories):
    from logistics.services import shipment_add
    from tests.factories import TicketFactory

    ticket = TicketFactory(
        customer=actors.customer,
        team=actors.l1.agent_profile.team,
        order=shop.aftership_order,
        category=categories.logistics,
    )
    with time_machine.travel(T0, tick=False) as clock:
        shipment_add(ticket=ticket, actor=actors.l1, tracking_number="1234567890")
        clock.move_to(T0 + timedelta(days=4, hours=1))
        _sweep()

    assert [e.detail for e in _open("stalled")] == ["no tracking update for 4 days"]


def test_expired_tracking_counts_as_no_update_at_once(webhook, shop):
    with time_machine.travel(datetime(2026, 10, 5, tzinfo=UTC), tick=False):
        webhook("aftership", fixture_body("aftership_expired.json"))

    assert Shipment.objects.get().status == "expired"
    assert [e.detail for e in _open("stalled")] == ["tracking expired at the sender"]


def test_the_stall_sweep_reads_the_partial_index_over_undelivered_shipments(shop):
    now = datetime(2026, 10, 10, tzinfo=UTC)
    ids = shipments_due_for_check(now=now)  # runs the real query
    from logistics.models.shipments import ACTIVE_Q
    from logistics.services.detection import _before, _cutoffs

    query = (
        Shipment.objects.filter(ACTIVE_Q, _before("last_event_at", _cutoffs("stalled", now)))
        .order_by("last_event_at", "id")
        .values_list("pk", flat=True)[:100]
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert ids == []
    assert "shipment_active_last_event" in plan, plan


# --- failed delivery, returning/returned, lost, damaged --------------------------------------

EVENT_TIME = "2026-10-06T10:00:00+02:00"


@pytest.mark.parametrize(
    ("tag", "subtag", "kind"),
    [
        ("AttemptFail", "AttemptFail_001", "failed_attempt"),
        ("Exception", "Exception_010", "returned"),
        ("Exception", "Exception_011", "returned"),
        ("Exception", "Exception_013", "lost"),
        ("Exception", "Exception_021", "lost"),
        ("Exception", "Exception_012", "damaged"),
        ("Exception", "Exception_007", "address_problem"),
    ],
)
def test_aftership_delivery_problems_open_their_exception_at_once(webhook, shop, tag, subtag, kind):
    body = aftership_with(
        "aftership_customs.json",
        checkpoint(EVENT_TIME, tag, subtag, "Problem"),
        tag=tag,
        subtag=subtag,
        event_id=f"problem-{subtag}",
    )
    with time_machine.travel(datetime(2026, 10, 6, 9, 0, tzinfo=UTC), tick=False):
        webhook("aftership", body)

    assert [e.kind for e in _open()] == [kind]


@pytest.mark.parametrize(
    ("status", "sub_status", "kind"),
    [
        ("DeliveryFailure", "DeliveryFailure_NoBody", "failed_attempt"),
        ("Exception", "Exception_Returning", "returned"),
        ("Exception", "Exception_Returned", "returned"),
        ("Exception", "Exception_Lost", "lost"),
        ("Exception", "Exception_Destroyed", "lost"),
        ("Exception", "Exception_Damage", "damaged"),
    ],
)
def test_17track_delivery_problems_open_their_exception_at_once(webhook, shop, status, sub_status, kind):
    body = seventeen_with(
        "17track_customs.json",
        seventeen_event("2026-10-06T09:00:00Z", sub_status, "Problem"),
        status=status,
        sub_status=sub_status,
    )
    with time_machine.travel(datetime(2026, 10, 6, 10, 0, tzinfo=UTC), tick=False):
        webhook("17track", body)

    assert [e.kind for e in _open()] == [kind]


def test_delivery_resolves_a_failed_attempt(webhook, shop):
    failed = aftership_with(
        "aftership_customs.json",
        checkpoint(EVENT_TIME, "AttemptFail", "AttemptFail_001", "Nobody home"),
        tag="AttemptFail",
        subtag="AttemptFail_001",
        event_id="failed",
    )
    delivered = aftership_with(
        "aftership_customs.json",
        checkpoint(EVENT_TIME, "AttemptFail", "AttemptFail_001", "Nobody home"),
        checkpoint("2026-10-07T10:00:00+02:00", "Delivered", "Delivered_001", "Delivered"),
        tag="Delivered",
        subtag="Delivered_001",
        event_id="delivered",
    )
    with time_machine.travel(datetime(2026, 10, 7, 9, 0, tzinfo=UTC), tick=False):
        webhook("aftership", failed)
        assert [e.kind for e in _open()] == ["failed_attempt"]
        webhook("aftership", delivered)

    assert _open() == []
    assert Shipment.objects.get().open_exception_kinds == []


def test_an_inactive_rule_switches_its_kind_off(webhook, shop):
    rule = ExceptionRule.objects.get(kind="failed_attempt", destination_country="", service_type="")
    rule.is_active = False
    rule.save()
    body = aftership_with(
        "aftership_customs.json",
        checkpoint(EVENT_TIME, "AttemptFail", "AttemptFail_001", "x"),
        tag="AttemptFail",
        subtag="AttemptFail_001",
        event_id="failed-off",
    )
    with time_machine.travel(datetime(2026, 10, 6, 9, 0, tzinfo=UTC), tick=False):
        webhook("aftership", body)

    assert _open() == []


def test_one_open_exception_per_shipment_and_kind(webhook, shop):
    first = aftership_with(
        "aftership_customs.json",
        checkpoint(EVENT_TIME, "AttemptFail", "AttemptFail_001", "x"),
        tag="AttemptFail",
        subtag="AttemptFail_001",
        event_id="f1",
    )
    second = aftership_with(
        "aftership_customs.json",
        checkpoint(EVENT_TIME, "AttemptFail", "AttemptFail_001", "x"),
        checkpoint("2026-10-07T10:00:00+02:00", "AttemptFail", "AttemptFail_003", "again"),
        tag="AttemptFail",
        subtag="AttemptFail_003",
        event_id="f2",
    )
    with time_machine.travel(datetime(2026, 10, 7, 9, 0, tzinfo=UTC), tick=False):
        webhook("aftership", first)
        webhook("aftership", second)

    assert ShipmentException.objects.filter(kind="failed_attempt").count() == 1
