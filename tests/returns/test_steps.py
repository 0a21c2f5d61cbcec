"""Every step of a return, and the refusals a user would meet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.errors import Conflict, NotFound, ServiceError
from logistics.choices import ShipmentStatus, Source
from logistics.models import Shipment
from logistics.services.tracking import shipment_set_status
from returns import services
from returns.models import ReturnEvent, ReturnState
from tickets.models import OutboundEmail, TicketEvent

from .conftest import ask

pytestmark = pytest.mark.django_db


def to_label_sent(ret, actor, carrier, address):
    ret = services.return_approve(ret=ret, actor=actor)
    return services.return_send_label(
        ret=ret, actor=actor, tracking_number="RET123456", carrier=carrier, label_url="https://carrier.test/l/1"
    )


def test_a_return_goes_from_request_to_refund_and_the_customer_hears_of_each_step(
    actors, make_ticket, carrier, address, clock
):
    # given an order delivered two days ago and an L2 agent (full refunds up to USD 100)
    ticket = make_ticket()
    ret = ask(ticket, actors.l2)
    assert ret.state == ReturnState.REQUESTED and ret.return_shipping_paid_by == "customer"
    # when the agent approves it (EUR 40 = USD 50, within the tier) and sends the label
    ret = to_label_sent(ret, actors.l2, carrier, address)
    assert ret.state == ReturnState.LABEL_SENT and ret.return_address == address
    parcel = Shipment.objects.get(pk=ret.return_shipment_id)
    # and the carrier scans the return parcel: the return is on its way back
    shipment_set_status(
        shipment=parcel, status=ShipmentStatus.IN_TRANSIT, sub_status="", source=Source.AFTERSHIP, now=timezone.now()
    )
    ret.refresh_from_db()
    assert ret.state == ReturnState.IN_TRANSIT
    # then the warehouse receives and inspects it, and the refund is paid
    ret = services.return_receive(ret=ret, actor=actors.l1)
    ret = services.return_inspect(ret=ret, actor=actors.l1, passed=True)
    ret = services.return_refund(ret=ret, actor=actors.l2)
    assert ret.state == ReturnState.REFUNDED and ret.refunded_at is not None
    ret = services.return_close(ret=ret, actor=actors.l2)
    assert ret.state == ReturnState.CLOSED
    steps = list(ReturnEvent.objects.filter(return_request=ret).values_list("new_state", flat=True))
    assert steps == [
        "requested", "approved", "label_sent", "in_transit", "received", "inspected", "refunded", "closed"
    ]  # fmt: skip
    kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"return_requested", "return_approved", "return_refunded", "return_closed"} <= kinds
    emails = OutboundEmail.objects.filter(key__startswith=f"returns:{ret.pk}:")
    assert emails.count() == 8
    label = emails.get(key=f"returns:{ret.pk}:label_sent")
    assert "Lagerstr. 1" in label.body_text and "https://carrier.test/l/1" in label.body_text
    refund = emails.get(key=f"returns:{ret.pk}:refunded")
    assert refund.to == "lena@example.de" and "Rückerstattung" in refund.body_text  # in German


def test_no_refund_before_the_parcel_is_received_and_inspected(actors, make_ticket, carrier, address):
    ret = to_label_sent(ask(make_ticket(), actors.l2), actors.l2, carrier, address)
    with pytest.raises(Conflict, match="before the parcel is received"):
        services.return_refund(ret=ret, actor=actors.l2)
    ret = services.return_receive(ret=ret, actor=actors.l2)
    with pytest.raises(Conflict, match="Inspect"):
        services.return_refund(ret=ret, actor=actors.l2)
    ret = services.return_inspect(ret=ret, actor=actors.l2, passed=False, note="Worn and washed")
    with pytest.raises(Conflict, match="failed inspection"):
        services.return_refund(ret=ret, actor=actors.l2)
    with pytest.raises(ServiceError, match="without a refund"):
        services.return_close(ret=ret, actor=actors.l2)
    assert services.return_close(ret=ret, actor=actors.l2, note="Not resellable").state == ReturnState.CLOSED


def test_illegal_steps_are_refused_with_the_state_named(actors, make_ticket, carrier, address):
    ret = ask(make_ticket(), actors.l2)
    with pytest.raises(Conflict, match="requested: it cannot become received"):
        services.return_receive(ret=ret, actor=actors.l2)
    with pytest.raises(Conflict, match="cannot become label sent"):
        services.return_send_label(ret=ret, actor=actors.l2, tracking_number="RET1234", label_url="https://x.test")
    with pytest.raises(ServiceError, match="Say why"):
        services.return_reject(ret=ret, actor=actors.l2, note="")
    ret = services.return_approve(ret=ret, actor=actors.l2)
    with pytest.raises(Conflict, match="already approved"):
        services.return_approve(ret=ret, actor=actors.l2)
    with pytest.raises(ServiceError, match="label"):
        services.return_send_label(ret=ret, actor=actors.l2, tracking_number="RET1234", carrier=carrier)
    with pytest.raises(Conflict, match="cannot become closed"):
        services.return_close(ret=ret, actor=actors.l2)


def test_a_rejected_return_is_told_to_the_customer_and_can_be_closed(actors, make_ticket):
    ret = services.return_reject(ret=ask(make_ticket(), actors.l2), actor=actors.l2, note="Worn item")
    assert ret.state == ReturnState.REJECTED
    assert OutboundEmail.objects.filter(key=f"returns:{ret.pk}:rejected").exists()
    assert services.return_close(ret=ret, actor=actors.l2).state == ReturnState.CLOSED


def test_an_agent_of_another_team_cannot_see_the_return(actors, make_ticket):
    ret = ask(make_ticket(), actors.l2)
    with pytest.raises(NotFound):
        services.return_approve(ret=ret, actor=actors.other_team_agent)


def test_one_return_under_way_per_order(actors, make_ticket):
    ticket = make_ticket()
    ask(ticket, actors.l2)
    with pytest.raises(Conflict, match="already has a return"):
        ask(ticket, actors.l2)


def test_an_exchange_reships_a_new_outbound_parcel(actors, make_ticket, carrier, address):
    from .conftest import photo

    ticket = make_ticket()
    photo(ticket)
    ret = ask(ticket, actors.l2, kind="exchange", reason="damaged")
    assert ret.return_shipping_paid_by == "shop"
    ret = to_label_sent(ret, actors.l2, carrier, address)
    ret = services.return_receive(ret=ret, actor=actors.l2)
    ret = services.return_inspect(ret=ret, actor=actors.l2, passed=True)
    with pytest.raises(ServiceError, match="exchange"):
        services.return_refund(ret=ret, actor=actors.l2)
    ret = services.return_exchange(ret=ret, actor=actors.l2, tracking_number="NEW7654321", carrier=carrier)
    assert ret.state == ReturnState.EXCHANGED
    assert ret.reshipment is not None and ret.reshipment.order_id == ticket.order_id
    assert ret.reshipment.tracking_number == "NEW7654321"
    assert OutboundEmail.objects.filter(key=f"returns:{ret.pk}:exchanged", body_text__contains="NEW7654321").exists()


def test_a_return_not_sent_back_in_time_expires_by_the_sweep(actors, make_ticket, clock):
    ret = services.return_approve(ret=ask(make_ticket(), actors.l2), actor=actors.l2)
    clock.shift(timedelta(days=13))
    assert services.returns_expire_due() == 0
    clock.shift(timedelta(days=1, seconds=1))
    assert services.returns_expire_due() == 1
    ret.refresh_from_db()
    assert ret.state == ReturnState.EXPIRED
    assert services.returns_expire_due() == 0  # a second run finds nothing
    assert OutboundEmail.objects.filter(key=f"returns:{ret.pk}:expired").exists()


def test_the_label_may_be_an_uploaded_file_of_a_label_type(actors, make_ticket, carrier, address):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ret = services.return_approve(ret=ask(make_ticket(), actors.l2), actor=actors.l2)
    text = SimpleUploadedFile("label.txt", b"hello", content_type="text/plain")
    with pytest.raises(ServiceError, match="PDF, PNG or JPEG"):
        services.return_send_label(ret=ret, actor=actors.l2, tracking_number="RET1357913", label_file=text)
    pdf = SimpleUploadedFile("label.pdf", b"%PDF-1.4 label", content_type="application/pdf")
    ret = services.return_send_label(
        ret=ret, actor=actors.l2, tracking_number="RET1357913", carrier=carrier, label_file=pdf
    )
    assert ret.label_file.name.startswith("returns/labels/label")
    email = OutboundEmail.objects.get(key=f"returns:{ret.pk}:label_sent")
    assert ret.label_file.url in email.body_text


def test_without_a_return_address_for_the_country_no_label_is_sent(actors, make_ticket, carrier):
    ret = services.return_approve(ret=ask(make_ticket(), actors.l2), actor=actors.l2)
    with pytest.raises(ServiceError, match="no return address for DE"):
        services.return_send_label(
            ret=ret, actor=actors.l2, tracking_number="RET1357913", carrier=carrier, label_url="https://c.test/l"
        )
    ret.refresh_from_db()
    assert ret.state == ReturnState.APPROVED and not Shipment.objects.filter(tracking_number="RET1357913").exists()
