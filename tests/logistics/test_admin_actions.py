"""The admin's action on webhook deliveries goes through the logistics service and is logged."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils import timezone

from logistics.models import WebhookDelivery
from logistics.services import deliveries_process_again

pytestmark = pytest.mark.django_db


def _delivery(key: str, state: str) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        sender="aftership",
        dedup_key=key,
        body=b"{}",
        received_at=timezone.now(),
        state=state,
        attempts=5,
        error="database hiccup",
    )


def test_processing_again_resets_only_failed_or_unmatched_deliveries_and_logs_each(client, actors):
    failed = _delivery("a", WebhookDelivery.State.FAILED)
    unmatched = _delivery("b", WebhookDelivery.State.UNMATCHED)
    processed = _delivery("c", WebhookDelivery.State.PROCESSED)
    client.force_login(actors.admin)
    response = client.post(
        reverse("admin:logistics_webhookdelivery_changelist"),
        {"action": "process_again", "_selected_action": [failed.pk, unmatched.pk, processed.pk]},
        follow=True,
    )
    assert "2 deliveries queued again." in response.content.decode()
    for delivery in (failed, unmatched, processed):
        delivery.refresh_from_db()
    assert [(d.state, d.attempts, d.error) for d in (failed, unmatched)] == [("received", 0, "")] * 2
    assert (processed.state, processed.attempts) == ("processed", 5)
    logged = LogEntry.objects.filter(content_type__model="webhookdelivery", action_flag=CHANGE, user=actors.admin)
    assert sorted(int(pk) for pk in logged.values_list("object_id", flat=True)) == sorted([failed.pk, unmatched.pk])
    assert deliveries_process_again(ids=[failed.pk, processed.pk]) == []  # waiting already: nothing to do
