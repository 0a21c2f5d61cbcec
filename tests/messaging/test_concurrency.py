"""Two first messages of one new conversation processed at the same moment make one ticket."""

from __future__ import annotations

import pytest
from django.utils import timezone

from messaging.models import InboundEvent
from messaging.providers import PROVIDERS
from messaging.services import event_process
from tests.concurrency import run_together
from tickets.models import Customer, Ticket

from . import payloads as p


@pytest.mark.django_db(transaction=True)
def test_two_first_messages_at_once_open_one_ticket_for_one_customer(accounts):
    body = p.wa_body(messages=[p.wa_text("wamid.a", "Hello?"), p.wa_text("wamid.b", "Anyone there?")])
    ids = [
        InboundEvent.objects.create(
            account=accounts.whatsapp,
            event_id=event.event_id,
            kind=event.kind,
            body=body,
            payload=event.payload,
            received_at=timezone.now(),
        ).pk
        for event in PROVIDERS["whatsapp"].split(body)
    ]

    results = run_together([lambda pk=pk: event_process(event_id=pk) for pk in ids])

    assert results == ["processed", "processed"]
    ticket = Ticket.objects.get()
    assert ticket.messages.count() == 2
    assert Customer.objects.count() == 1
