"""The return parcel is tracked by the same webhooks as any parcel: its first scan on the way moves
the return to in transit; receipt stays the warehouse's to record."""

from __future__ import annotations

import pytest
from django.utils import timezone

from logistics.models import Carrier
from returns import services
from returns.models import ReturnState
from tests.logistics.helpers import AFTERSHIP_SECRET, aftership_single, post

from .conftest import ask

pytestmark = pytest.mark.django_db


def test_a_scan_of_the_return_parcel_by_webhook_moves_the_return_to_in_transit(
    client, settings, actors, make_ticket, address, django_capture_on_commit_callbacks
):
    settings.AFTERSHIP_WEBHOOK_SECRETS = [AFTERSHIP_SECRET]
    carrier = Carrier.objects.exclude(aftership_slug=None).order_by("pk").first()
    ticket = make_ticket()
    ret = services.return_approve(ret=ask(ticket, actors.l2), actor=actors.l2)
    ret = services.return_send_label(
        ret=ret, actor=actors.l2, tracking_number="RET2468024", carrier=carrier, label_url="https://c.test/l"
    )
    scanned = timezone.now().isoformat()
    body = aftership_single(
        "RET2468024", carrier.aftership_slug, scanned, order_number=f"#{ticket.order.external_number}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, "aftership", body).status_code == 202
    ret.refresh_from_db()
    assert ret.state == ReturnState.IN_TRANSIT
    assert ret.events.last().actor is None  # the carrier's scan, not a person
    # a delivered scan at the warehouse does not receive it: a person records the receipt
    delivered = aftership_single(
        "RET2468024", carrier.aftership_slug, scanned, tag="Delivered", subtag="Delivered_001",
        order_number=f"#{ticket.order.external_number}", event_id="delivered-1",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, "aftership", delivered).status_code == 202
    ret.refresh_from_db()
    assert ret.state == ReturnState.IN_TRANSIT and ret.received_at is None


def test_a_customer_request_has_no_agent_and_is_still_judged_on_the_facts(actors, make_ticket):
    ret = ask(make_ticket(), None)
    assert ret.state == ReturnState.REQUESTED and ret.requested_by is None
    assert ret.events.get().actor is None


def test_a_stalled_return_parcel_opens_no_parcel_exception_and_tells_the_customer_nothing(
    client, settings, actors, make_ticket, address, django_capture_on_commit_callbacks
):
    """A return parcel's delays are the return's business (it expires when not sent back in time):
    the same silence on a parcel to the customer would open a stalled-parcel exception."""
    from datetime import timedelta

    from logistics.choices import Direction
    from logistics.models import Shipment, ShipmentException
    from logistics.services.detection import exceptions_evaluate

    settings.AFTERSHIP_WEBHOOK_SECRETS = [AFTERSHIP_SECRET]
    carrier = Carrier.objects.exclude(aftership_slug=None).order_by("pk").first()
    ticket = make_ticket()
    ret = services.return_approve(ret=ask(ticket, actors.l2), actor=actors.l2)
    ret = services.return_send_label(
        ret=ret, actor=actors.l2, tracking_number="RET1357913", carrier=carrier, label_url="https://c.test/l"
    )
    body = aftership_single(
        "RET1357913",
        carrier.aftership_slug,
        timezone.now().isoformat(),
        order_number=f"#{ticket.order.external_number}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, "aftership", body).status_code == 202
    parcel = Shipment.objects.select_related("carrier").get(tracking_number="RET1357913")
    assert parcel.direction == Direction.RETURN

    much_later = timezone.now() + timedelta(days=60)
    assert exceptions_evaluate(shipment=parcel, now=much_later) == []
    assert not ShipmentException.objects.filter(shipment=parcel).exists()

    Shipment.objects.filter(pk=parcel.pk).update(direction=Direction.OUTBOUND)
    parcel.refresh_from_db()
    assert [e.kind for e in exceptions_evaluate(shipment=parcel, now=much_later)]  # the rules would fire
