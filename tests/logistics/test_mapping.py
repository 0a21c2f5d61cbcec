"""The mapping tables: every code the samples' README names, customs ones included; unknown
sub-statuses fall back to their main status (logged, never refused)."""

from __future__ import annotations

import logging

import pytest

from logistics.choices import ShipmentStatus
from logistics.formats import parse_aftership, to_alpha2
from logistics.mapping import aftership_status, seventeentrack_status

from .helpers import sample_json

NORMALISED = {
    "info_received",
    "in_transit",
    "customs",
    "out_for_delivery",
    "available_for_pickup",
    "delivered",
    "failed_attempt",
    "exception",
    "returned",
    "expired",
}


def test_the_normalised_set_is_the_specified_ten_plus_the_state_before_any_scan():
    assert set(ShipmentStatus.values) == NORMALISED | {"pending"}


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("Pending", "pending"),
        ("InfoReceived", "info_received"),
        ("InTransit", "in_transit"),
        ("OutForDelivery", "out_for_delivery"),
        ("AttemptFail", "failed_attempt"),
        ("Delivered", "delivered"),
        ("AvailableForPickup", "available_for_pickup"),
        ("Exception", "exception"),
        ("Expired", "expired"),
    ],
)
def test_every_aftership_tag(tag, expected):
    assert aftership_status(tag, None) == (expected, "")


@pytest.mark.parametrize(
    ("subtag", "expected"),
    [
        ("InTransit_006", ("customs", "customs_started")),
        ("InTransit_005", ("in_transit", "customs_released")),
        ("InTransit_004", ("in_transit", "arrived_destination")),
        ("Exception_004", ("customs", "customs_delayed")),
        ("Exception_006", ("customs", "customs_duties")),
        ("Exception_018", ("customs", "customs_documents")),
        ("Exception_021", ("exception", "destroyed")),
        ("Exception_010", ("exception", "returning")),
        ("Exception_011", ("returned", "returned")),
        ("Exception_012", ("exception", "damaged")),
        ("Exception_013", ("exception", "lost")),
        ("Exception_007", ("exception", "address_issue")),
        ("AttemptFail_001", ("failed_attempt", "recipient_unavailable")),
        ("AttemptFail_002", ("failed_attempt", "recipient_unavailable")),
        ("AttemptFail_003", ("failed_attempt", "recipient_unavailable")),
    ],
)
def test_aftership_subtags_named_in_the_readme(subtag, expected):
    assert aftership_status(subtag.split("_")[0], subtag) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("NotFound", "pending"),
        ("InfoReceived", "info_received"),
        ("InTransit", "in_transit"),
        ("Expired", "expired"),
        ("AvailableForPickup", "available_for_pickup"),
        ("OutForDelivery", "out_for_delivery"),
        ("DeliveryFailure", "failed_attempt"),
        ("Delivered", "delivered"),
        ("Exception", "exception"),
    ],
)
def test_every_17track_status(status, expected):
    assert seventeentrack_status(status, None) == (expected, "")


@pytest.mark.parametrize(
    ("sub_status", "expected"),
    [
        ("InTransit_CustomsProcessing", ("customs", "customs_started")),
        ("InTransit_CustomsReleased", ("in_transit", "customs_released")),
        ("InTransit_CustomsRequiringInformation", ("customs", "customs_documents")),
        ("DeliveryFailure_Security", ("customs", "customs_security")),
        ("Exception_Security", ("customs", "customs_security")),
        ("Exception_Returning", ("exception", "returning")),
        ("Exception_Returned", ("returned", "returned")),
        ("Exception_Delayed", ("exception", "delayed")),
        ("Exception_Lost", ("exception", "lost")),
        ("Exception_Destroyed", ("exception", "destroyed")),
        ("Exception_Damage", ("exception", "damaged")),
        ("Exception_Rejected", ("exception", "refused")),
    ],
)
def test_17track_sub_statuses_named_in_the_readme(sub_status, expected):
    assert seventeentrack_status(sub_status.split("_")[0], sub_status) == expected


@pytest.mark.parametrize(
    ("mapper", "args", "expected"),
    [
        (aftership_status, ("InTransit", "InTransit_099"), ("in_transit", "")),
        (aftership_status, ("Exception", "Exception_099"), ("exception", "")),
        (aftership_status, ("", "Delivered_042"), ("delivered", "")),
        (seventeentrack_status, ("Exception", "Exception_Whatever"), ("exception", "")),
        (seventeentrack_status, (None, "OutForDelivery_Locker"), ("out_for_delivery", "")),
        (aftership_status, ("Teleported", "Teleported_001"), (None, "")),
    ],
)
def test_unknown_codes_fall_back_to_their_main_status_and_are_logged(mapper, args, expected, caplog):
    from logistics import mapping

    mapping._reported.clear()
    with caplog.at_level(logging.WARNING, logger="logistics.mapping"):
        assert mapper(*args) == expected
    assert "unknown" in caplog.text


def test_a_17track_event_without_sub_status_is_read_from_its_stage():
    assert seventeentrack_status(None, None, "PickedUp") == ("in_transit", "picked_up")


def test_countries_alpha3_and_alpha2():
    assert [to_alpha2(c) for c in ("DEU", "GBR", "USA", "CHN", "de", "XYZ", None)] == [
        "DE",
        "GB",
        "US",
        "CN",
        "DE",
        "",
        "",
    ]


def test_aftership_bodies_up_to_version_2024_10_name_the_country_fields_iso3():
    data = sample_json("aftership_in_transit.json")
    msg = data["msg"]
    msg["destination_country_iso3"] = msg.pop("destination_country_region")
    msg.pop("courier_destination_country_region")
    for point in msg["checkpoints"]:
        point["country_iso3"] = point.pop("country_region")

    update = parse_aftership(data)

    assert update.destination_country == "US"
