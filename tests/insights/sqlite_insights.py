"""Run by test_sqlite.py in a process of its own against a SQLite database (the quick start's): the
profile, segment and scorecard statements run there too. Exits non-zero on the first failure."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django

django.setup()

from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.utils import timezone  # noqa: E402

from insights.models import CustomerProfile, Segment, SegmentMembership  # noqa: E402
from insights.services.profiles import profiles_refresh  # noqa: E402
from insights.services.scorecards import scorecards_refresh_recent  # noqa: E402
from insights.services.segments import segment_save  # noqa: E402
from policies.models import ExchangeRate  # noqa: E402
from tests.factories import CustomerFactory, OrderFactory, TeamFactory  # noqa: E402
from tickets.models import Channel  # noqa: E402
from tickets.services import ticket_create  # noqa: E402

TeamFactory(is_default=True)
customer = CustomerFactory()
ExchangeRate.objects.create(
    currency="EUR", date=timezone.now().date() - timedelta(days=5), units_per_usd=Decimal("0.8")
)
OrderFactory(customer=customer, currency="EUR", total=Decimal("100"), placed_at=timezone.now())
ticket_create(customer=customer, subject="Hello", body="Hi", channel=Channel.WEB)
profiles_refresh()
profiles_refresh(customer_ids=[customer.pk])
profile = CustomerProfile.objects.get(customer=customer)
assert (profile.spend_12m_usd, profile.tickets, profile.channels) == (Decimal("125.00"), 1, ["web"]), profile.__dict__
print("profile ok")
segment_save(segment=Segment(name="VIP", slug="vip", rule=[{"field": "spend_12m_usd", "op": ">=", "value": 100}]))
assert SegmentMembership.objects.filter(customer=customer).count() == 1
print("segment ok")
scorecards_refresh_recent()
print("scorecards ok")
print("all done")
