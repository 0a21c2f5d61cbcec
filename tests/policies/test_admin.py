"""Admins edit tiers and rates; compensation records are read-only, even for them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from policies.models import CompensationRequest, DecisionLog, TierAuthority

from .conftest import ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "rates")]


def test_tiers_are_seeded_and_editable(client, actors):
    assert {t.tier: t.limit_usd for t in TierAuthority.objects.all()} == {
        "L1": Decimal("50.00"),
        "L2": Decimal("100.00"),
        "L3": Decimal("100.00"),
    }
    tier = TierAuthority.objects.get(tier="L1")
    client.force_login(actors.admin)
    response = client.post(
        reverse("admin:policies_tierauthority_change", args=[tier.pk]),
        {"tier": "L1", "limit_usd": "60.00", "kinds": ["coupon", "gift"]},
    )
    assert response.status_code == 302
    tier.refresh_from_db()
    assert (tier.limit_usd, tier.kinds) == (Decimal("60.00"), ["coupon", "gift"])


def test_rates_are_editable_in_the_admin(client, actors):
    client.force_login(actors.admin)
    response = client.post(
        reverse("admin:policies_exchangerate_add"),
        {"currency": "aud", "date": "2026-11-20", "units_per_usd": "1.52", "source": "manual"},
    )
    assert response.status_code == 302


def test_requests_and_decisions_are_read_only_in_the_admin(client, actors, make_ticket):
    request = ask(actors.l1, make_ticket(), amount="10.00")
    client.force_login(actors.admin)
    for model in ("compensationrequest", "decisionlog", "compensationgrant"):
        assert client.get(reverse(f"admin:policies_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:policies_{model}_add")).status_code == 403
    log = DecisionLog.objects.get(request=request)
    assert client.post(reverse("admin:policies_decisionlog_delete", args=[log.pk]), {"post": "yes"}).status_code == 403
    change = reverse("admin:policies_compensationrequest_change", args=[request.pk])
    client.post(change, {"amount": "0", "state": "rejected"})
    assert CompensationRequest.objects.get(pk=request.pk).amount == Decimal("10.00")
    assert DecisionLog.objects.filter(pk=log.pk).exists()
