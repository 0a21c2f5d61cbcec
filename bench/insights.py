"""Knowing the customer on a million tickets: recomputing every profile and segment, the agents'
daily figures, and the pages that read them (scorecards, the at-risk list, a customer).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench .venv/bin/python bench/insights.py

Run bench/datagen.py first (1,000,000 tickets, 200,000 customers), then bench/reports.py once: it adds
the orders, compensation and surveys this reads (its seed is reused here when missing). This adds
exchange rates for the orders' currencies over the year and four segments, then times, with the
clock at datagen's "now":

- profiles_refresh() and segment_memberships_refresh() for every customer (what the nightly task runs);
- one customer's refresh (what a change to a ticket or an order runs);
- the agents' daily figures rebuilt for 365 days, and for yesterday and today (what the beat runs);
- the scorecard page (8 and 52 weeks), its CSV, the at-risk list and a customer page, as an
  administrator, a supervisor and an agent: Django's test Client, DEBUG off, median of --rounds requests.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helpdesk_bench")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("TESTING", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("TWO_FACTOR_REQUIRED", "0")

from bench.reports import NOW, seed, timed_requests

RATES = {"EUR": Decimal("0.92"), "GBP": Decimal("0.79"), "JPY": Decimal("150"), "USD": Decimal("1")}
SEGMENTS = [
    ("Bench VIP", "bench-vip", [{"field": "spend_12m_usd", "op": ">=", "value": 300}], {"priority_bump": 1}),
    ("Bench at risk", "bench-at-risk", [{"field": "low_ratings_recent", "op": ">=", "value": 1}], {}),
    ("Bench frequent complainer", "bench-complainer", [{"field": "complaints", "op": ">=", "value": 5}], {}),
    ("Bench quiet", "bench-quiet", [{"field": "last_contact_at", "op": "older_than_days", "value": 180}], {}),
]


def timed(label: str, work: Any) -> Any:
    started = time.perf_counter()
    result = work()
    print(f"{label:<58} {time.perf_counter() - started:8.2f} s   {result}")
    return result


def prepare() -> None:
    from django.db import connection

    from insights.models import Segment
    from policies.models import ExchangeRate

    with connection.cursor() as cursor:
        seed(cursor, reseed=False)
    first = (NOW - timedelta(days=400)).date()
    rates = [
        ExchangeRate(currency=currency, date=first + timedelta(days=n), units_per_usd=units)
        for n in range(401)
        for currency, units in RATES.items()
        if currency != "USD"
    ]
    ExchangeRate.objects.bulk_create(rates, ignore_conflicts=True, batch_size=2000)
    for name, slug, rule, effects in SEGMENTS:
        Segment.objects.update_or_create(slug=slug, defaults={"name": name, "rule": rule, **effects})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import time_machine

    traveller = time_machine.travel(NOW, tick=True)
    traveller.start()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from insights.models import CustomerProfile, SegmentMembership
    from insights.services.profiles import profiles_refresh
    from insights.services.scorecards import scorecards_refresh, scorecards_refresh_recent, support_today
    from insights.services.segments import segment_memberships_refresh
    from tickets.models import Ticket

    override_settings(AXES_ENABLED=False).enable()
    call_command("migrate", verbosity=0)
    prepare()
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM tickets_ticket), (SELECT count(*) FROM tickets_customer)")
        tickets, customers = cursor.fetchone()
    print(f"tickets {tickets}, customers {customers}\n")

    timed("every profile (profiles_refresh)", profiles_refresh)
    timed("every profile again (rows already there)", profiles_refresh)
    timed("every segment (segment_memberships_refresh)", segment_memberships_refresh)
    timed("every segment again (no change)", segment_memberships_refresh)
    busy = Ticket.objects.filter(team__slug="europe").values_list("customer_id", flat=True).order_by("-id").first()
    timed("one customer's profile and segments", lambda: (
        profiles_refresh(customer_ids=[busy]), segment_memberships_refresh(customer_ids=[busy])))  # fmt: skip
    today = support_today()
    timed("agents' daily figures, 365 days", lambda: scorecards_refresh(first=today - timedelta(days=364), last=today))
    timed("agents' daily figures, yesterday and today (the beat)", scorecards_refresh_recent)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE insights_agentdailystats")
        cursor.execute("VACUUM ANALYZE insights_customerprofile")
        cursor.execute("VACUUM ANALYZE insights_segmentmembership")
    members = SegmentMembership.objects.count()
    print(f"\nprofiles {CustomerProfile.objects.count()}, segment members {members}\n")

    users = get_user_model().objects
    viewers = {
        "admin": users.filter(is_superuser=True).first() or users.create_superuser("bench-admin", "a@b.c", "pw"),
        "supervisor": users.get(username="europe-supervisor"),
        "agent": users.get(username="europe-agent-1"),
    }
    scenarios = [
        ("admin", "scorecards, 8 weeks", "/insights/scorecards/"),
        ("supervisor", "scorecards, 8 weeks", "/insights/scorecards/"),
        ("agent", "scorecards, 8 weeks (own)", "/insights/scorecards/"),
        ("admin", "scorecards, 52 weeks", "/insights/scorecards/?weeks=52"),
        ("admin", "scorecards CSV, 52 weeks", "/insights/scorecards.csv?weeks=52"),
        ("supervisor", "at-risk customers", "/insights/customers/at-risk/"),
        ("agent", "a customer's page", f"/insights/customers/{busy}/"),
    ]
    print(f"{'viewer':<11} {'page':<30} {'median ms':>9} {'max ms':>8} {'queries':>8}")
    for who, label, url in scenarios:
        client = Client()
        client.force_login(viewers[who])
        median, worst, queries = timed_requests(client, url, args.rounds)
        print(f"{who:<11} {label:<30} {median:>9.0f} {worst:>8.0f} {queries:>8}")
    print(f"\nmedian and max of {args.rounds} requests after one warm-up")
    traveller.stop()


if __name__ == "__main__":
    main()
