"""A customer whose data is held everywhere: tickets, messages, a file, emails both ways, an order
with a parcel, its tracking and the aggregator's raw webhook, a granted compensation, a survey
answer with a comment, a care call, a case, a notice naming them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from feedback.models import CareFollowUp, CaseRecord, SurveyResponse
from logistics.models import TrackingEvent, WebhookDelivery
from policies import services as policies
from tests.factories import OrderFactory, ShipmentFactory, SurveyInvitationFactory
from tests.policies.factories import ExchangeRateFactory
from tickets import services as tickets
from tickets.adapters import inbound_email_receive
from tickets.services.messages import AttachmentInput
from workspace.models import Notification

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WORDS = "Lena's parcel never reached Hauptstrasse 5, Berlin"


@pytest.fixture
def held(actors, teams, categories, django_capture_on_commit_callbacks):
    customer = actors.customer
    ExchangeRateFactory(currency="EUR", units_per_usd=Decimal("0.8"))
    order = OrderFactory(customer=customer, currency="EUR", total=Decimal("120.00"), placed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        ticket = tickets.ticket_create(
            customer=customer,
            subject="Parcel lost on the way to Berlin",
            body=WORDS,
            channel="web",
            order=order,
            category=categories.logistics,
            attachments=[AttachmentInput(name="photo-of-the-box.png", content=PNG)],
            acknowledge=True,
        )
        reply = tickets.message_add_reply(ticket=ticket, author=actors.l1, body="Dear Lena, we are on it.")
    raw = (
        f"From: Lena Schmidt <{customer.email}>\r\nTo: support@helpdesk.test\r\n"
        f"Subject: Re: [{ticket.reference}] Parcel lost\r\nMessage-ID: <lena-2@example.de>\r\n\r\n"
        "Thank you. My phone is +49 30 5550 1234.\r\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        inbound_email_receive(raw=raw, source="test")
        request = policies.compensation_request_create(
            ticket=ticket,
            actor=actors.l1,
            kind="partial_refund",
            amount="20.00",
            currency="EUR",
            reason="late",
            reason_detail="Refund for Lena Schmidt, Hauptstrasse 5",
        )
    shipment = ShipmentFactory(order=order, destination_country="DE")
    delivery = WebhookDelivery.objects.create(
        sender="aftership",
        dedup_key="d-1",
        body=b'{"customer_name": "Lena Schmidt", "address": "Hauptstrasse 5"}',
        signature_key=1,
        shipment=shipment,
        received_at=timezone.now(),
        processed_at=timezone.now(),
        state="processed",
    )
    TrackingEvent.objects.create(
        shipment=shipment, occurred_at=timezone.now(), source="webhook", fingerprint="f-1", delivery=delivery
    )
    invitation = SurveyInvitationFactory(ticket=ticket)
    response = SurveyResponse.objects.create(
        invitation=invitation, ticket=ticket, rating=2, comment="Lena here: too slow", team=teams.europe, language="de"
    )
    care = CareFollowUp.objects.create(
        response=response, ticket=ticket, team=teams.europe, due_at=timezone.now() + timedelta(days=1), note="Lena"
    )
    case = CaseRecord.objects.create(
        ticket=ticket, team=teams.europe, language="de", problem=WORDS, solution="Reshipped", solved_at=timezone.now()
    )
    notice = Notification.objects.create(
        user=actors.supervisor, key="n-1", text="Lena Schmidt waits", url=ticket.get_absolute_url()
    )
    return SimpleNamespace(
        customer=customer,
        order=order,
        ticket=ticket,
        reply=reply,
        request=request,
        shipment=shipment,
        delivery=delivery,
        response=response,
        care=care,
        case=case,
        notice=notice,
    )
