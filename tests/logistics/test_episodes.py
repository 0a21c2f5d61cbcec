"""Parcel troubles acted on the moment a carrier reports them, with one notice per trouble: every
carrier-reported code opens its exception and the customer's notice at once; a trouble reported by
several rules and both aggregators is one email with one expected delay (and the offer in it); a
second notice only on a material change, never within the quiet period. Deliveries carry times
relative to now, shaped like the aggregators' own."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from logistics import tasks
from logistics.defaults import EXCEPTION_CODES
from logistics.models import ExceptionEpisode, Shipment, ShipmentException, TrackingEvent
from tickets.models import OutboundEmail
from tickets.services import emails_send_due

from .live import aftership, ago, seventeen, seventeen_stopped

pytestmark = pytest.mark.django_db

NUMBER = "LZ300000019CN"  # China Post to Germany, order EX2000002 (Lena's, in German)
ORDER = "EX2000002"


def _notices():
    return OutboundEmail.objects.filter(key__startswith="logistics-notice:").order_by("pk")


def _open_kinds() -> list[str]:
    return sorted(ShipmentException.objects.filter(resolved_at__isnull=True).values_list("kind", flat=True))


def _delay_sentence(days: int) -> str:
    with translation.override("de"):
        return ngettext(
            "We expect a delay of about %(days)s day.", "We expect a delay of about %(days)s days.", days
        ) % {"days": days}


def _code_delivery(sender: str, code: str) -> bytes:
    picked_up = ago(days=3)
    if sender == "aftership":
        return aftership(
            NUMBER,
            ORDER,
            [
                (picked_up, "InTransit", "InTransit_002", "Accepted"),
                (ago(hours=1), code.split("_")[0], code, "Problem"),
            ],
            event_id=f"code-{code}",
        )
    return seventeen(
        NUMBER,
        ORDER,
        [(picked_up, "InTransit_PickedUp", "Accepted"), (ago(hours=1), code, "Problem")],
        status=code.split("_")[0],
    )


@pytest.mark.parametrize(("sender", "code", "kind"), EXCEPTION_CODES)
def test_each_carrier_reported_code_opens_its_exception_and_the_notice_at_once(webhook, shop, sender, code, kind):
    sent_at = timezone.now()
    webhook(sender, _code_delivery(sender, code))

    assert _open_kinds() == [kind]
    exception = ShipmentException.objects.get()
    assert exception.acted_at is not None and exception.ticket is not None
    notice = _notices().get()
    assert notice.to == shop.customer.email
    assert notice.due_at - sent_at < timedelta(minutes=1)  # at once, not after a threshold
    assert exception.customer_notified


def test_a_code_added_in_the_admin_data_acts_at_once_too(webhook, shop):
    from logistics.models import CarrierExceptionCode

    CarrierExceptionCode.objects.create(sender="aftership", code="Exception_019", kind="lost")
    webhook("aftership", _code_delivery("aftership", "Exception_019"))

    assert _open_kinds() == ["lost"]
    assert _notices().count() == 1


def _customs_from_17track() -> bytes:
    """In customs four days (past the 72-hour threshold), and now the carrier says documents are
    missing: two rules fire from one delivery."""
    return seventeen(
        NUMBER,
        ORDER,
        [
            (ago(days=9), "InTransit_PickedUp", "Accepted by the post office"),
            (ago(days=4), "InTransit_CustomsProcessing", "Held by import customs"),
            (ago(hours=1), "InTransit_CustomsRequiringInformation", "Customs requires information"),
        ],
        status="InTransit",
    )


def _customs_from_aftership(event_id: str = "customs-copy") -> bytes:
    """The same trouble as AfterShip tells it, its times a few minutes apart."""
    return aftership(
        NUMBER,
        ORDER,
        [
            (ago(days=9, minutes=-5), "InTransit", "InTransit_002", "Accepted"),
            (ago(days=4, minutes=-5), "InTransit", "InTransit_006", "Customs clearance started"),
            (ago(minutes=55), "Exception", "Exception_004", "Customs clearance delayed"),
        ],
        event_id=event_id,
    )


def test_one_email_for_a_customs_trouble_from_several_rules_and_both_aggregators(webhook, shop, eur_rate):
    webhook("17track", _customs_from_17track())
    assert _open_kinds() == ["customs_held", "documents_missing"]
    webhook("aftership", _customs_from_aftership())
    webhook("aftership", _customs_from_aftership())  # a repeat
    webhook("17track", _customs_from_17track())  # the first one again

    assert "customs_delay" in _open_kinds()
    assert ExceptionEpisode.objects.get().exceptions.count() == 3  # one trouble gathers all three
    emails_send_due()
    to_lena = [m for m in mail.outbox if m.to == [shop.customer.email]]
    assert len(to_lena) == 1  # not two, not three, and no separate coupon email
    body = to_lena[0].body
    assert "Wir behalten die Lieferung Ihrer Bestellung" in body  # in her language
    assert body.count(_delay_sentence(5)) == 1  # one expected delay: the carrier's own word
    assert _delay_sentence(3) not in body  # not the inferred threshold's as well
    from policies.models import CompensationGrant

    assert CompensationGrant.objects.get().coupon_code in body  # the offer in the same message


def test_a_second_notice_only_on_a_material_change_and_after_the_quiet_period(webhook, shop, settings):
    settings.LOGISTICS_NOTICE_QUIET_HOURS = 12
    webhook("17track", _customs_from_17track())
    webhook("aftership", _customs_from_aftership())  # same trouble, same delay: nothing new
    assert _notices().count() == 1

    lost = aftership(
        NUMBER,
        ORDER,
        [
            (ago(days=9), "InTransit", "InTransit_002", "Accepted"),
            (ago(minutes=30), "Exception", "Exception_013", "Lost"),
        ],
        event_id="lost",
    )
    webhook("aftership", lost)  # customs to lost: material, but within the quiet period
    assert _notices().count() == 1
    episode = ExceptionEpisode.objects.get()
    assert episode.notice_due

    with time_machine.travel(timezone.now() + timedelta(hours=11), tick=False):
        tasks.exceptions_sweep()
        assert _notices().count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=13), tick=False):
        tasks.exceptions_sweep()
        tasks.exceptions_sweep()
    assert _notices().count() == 2
    second = _notices().last()
    with translation.override("de"):
        said = gettext(
            "%(carrier_name)s reports that your parcel %(number)s is lost. We are sorry: we will contact you about "
            "a replacement or a refund."
        ) % {"carrier_name": "China Post", "number": NUMBER}
    assert said in second.body_text
    with translation.override("de"):
        assert gettext("This updates our previous message about this delivery.") in second.body_text
    episode.refresh_from_db()
    assert (episode.notices, episode.notified_kind, episode.notice_due) == (2, "lost", False)


def test_the_episode_closes_when_the_parcel_moves_on_and_a_new_trouble_is_told_again(webhook, shop, settings):
    settings.LOGISTICS_NOTICE_QUIET_HOURS = 0
    failed = aftership(
        NUMBER,
        ORDER,
        [
            (ago(days=3), "InTransit", "InTransit_002", "Accepted"),
            (ago(hours=5), "AttemptFail", "AttemptFail_001", "No one home"),
        ],
        event_id="failed",
    )
    webhook("aftership", failed)
    moved = aftership(
        NUMBER,
        ORDER,
        [
            (ago(hours=5), "AttemptFail", "AttemptFail_001", "No one home"),
            (ago(hours=2), "OutForDelivery", "OutForDelivery_001", "Out again"),
        ],
        event_id="moved",
    )
    webhook("aftership", moved)
    assert ExceptionEpisode.objects.get().closed_at is not None

    webhook("aftership", _code_delivery("aftership", "Exception_007"))  # a new trouble, later
    assert ExceptionEpisode.objects.filter(closed_at__isnull=True).count() == 1
    assert _notices().count() == 2


def test_tracking_stopped_before_delivery_is_an_exception_a_timeline_entry_and_a_notice(webhook, shop, client, actors):
    webhook(
        "17track",
        seventeen(NUMBER, ORDER, [(ago(days=6), "InTransit_PickedUp", "Accepted")], status="InTransit"),
    )
    webhook("17track", seventeen_stopped(NUMBER, ORDER))

    assert _open_kinds() == ["tracking_stopped"]
    stop = TrackingEvent.objects.get(raw_status="TRACKING_STOPPED")
    assert stop.status == ""  # it says nothing of where the parcel is
    assert _notices().count() == 1
    with translation.override("de"):
        said = gettext(
            "The tracking of your parcel %(number)s stopped before it was delivered. We have asked %(carrier_name)s "
            "to look into it."
        ) % {"number": NUMBER, "carrier_name": "China Post"}
    assert said in _notices().get().body_text

    client.force_login(actors.supervisor)
    ticket = ShipmentException.objects.get().ticket
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Tracking stopped by 17TRACK" in page
    assert "Tracking stopped before delivery" in page
    assert "Tracking stopped before delivery" in client.get("/logistics/exceptions/").content.decode()


def test_tracking_stopped_after_delivery_changes_nothing(webhook, shop):
    webhook(
        "17track",
        seventeen(
            NUMBER,
            ORDER,
            [(ago(days=6), "InTransit_PickedUp", "Accepted"), (ago(hours=3), "Delivered_Other", "Delivered")],
            status="Delivered",
        ),
    )
    webhook("17track", seventeen_stopped(NUMBER, ORDER))

    assert Shipment.objects.get().status == "delivered"
    assert ShipmentException.objects.count() == 0
    assert not TrackingEvent.objects.filter(raw_status="TRACKING_STOPPED").exists()
    assert _notices().count() == 0


def test_a_corrected_tracking_number_ends_the_episode(webhook, shop, actors):
    from logistics.services import shipment_correct

    webhook("aftership", _code_delivery("aftership", "Exception_013"))
    exception = ShipmentException.objects.get()

    shipment_correct(
        ticket=exception.ticket, shipment=exception.shipment, actor=actors.l1, tracking_number="LZ300000027CN"
    )

    assert ExceptionEpisode.objects.get().closed_at is not None
