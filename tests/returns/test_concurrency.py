"""Two people receiving the same parcel at once make one receipt."""

from __future__ import annotations

import pytest

from helpdesk.errors import Conflict
from returns import services
from returns.models import ReturnEvent, ReturnRequest, ReturnState
from tests.concurrency import run_together

from .conftest import ask


@pytest.mark.django_db(transaction=True)
def test_two_receipts_at_once_make_one(actors, make_ticket, carrier, address):
    ret = services.return_approve(ret=ask(make_ticket(), actors.l2), actor=actors.l2)
    ret = services.return_send_label(
        ret=ret, actor=actors.l2, tracking_number="RET7777777", carrier=carrier, label_url="https://c.test/l"
    )
    results = run_together(
        [
            lambda: services.return_receive(ret=ReturnRequest.objects.get(pk=ret.pk), actor=actors.l1),
            lambda: services.return_receive(ret=ReturnRequest.objects.get(pk=ret.pk), actor=actors.l2),
        ]
    )
    received = [r for r in results if isinstance(r, ReturnRequest)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(received) == 1 and len(refused) == 1, results
    assert "already received" in refused[0].message
    assert ReturnEvent.objects.filter(return_request_id=ret.pk, new_state=ReturnState.RECEIVED).count() == 1
