"""The care that segments ask for, stored with each member (the tickets app reads it from there)."""

from django.db import migrations

TIER_RANK = {"L1": 1, "L2": 2, "L3": 3}


def store_care(apps, schema_editor):
    Membership = apps.get_model("insights", "SegmentMembership")
    Customer = apps.get_model("tickets", "Customer")
    cares: dict[int, list] = {}
    rows = Membership.objects.filter(segment__is_active=True).values_list(
        "customer_id",
        "segment__priority_bump",
        "segment__first_response_minutes",
        "segment__route_min_tier",
        "segment__chat_rank",
    )
    for customer_id, bump, minutes, tier, rank in rows.iterator():
        care = cares.setdefault(customer_id, [0, None, "", 0])
        care[0] = max(care[0], bump)
        care[1] = min(m for m in (care[1], minutes) if m) if (care[1] or minutes) else None
        care[2] = max(care[2], tier or "", key=lambda t: TIER_RANK.get(t, 0))
        care[3] = max(care[3], rank)
    for customer_id, (bump, minutes, tier, rank) in cares.items():
        Customer.objects.filter(pk=customer_id).update(
            care_priority_bump=bump, care_first_response_minutes=minutes, care_min_tier=tier, care_queue_rank=rank
        )


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_customer_insight"),
        ("tickets", "0018_customer_care"),
    ]

    operations = [migrations.RunPython(store_care, migrations.RunPython.noop)]
