from decimal import Decimal

from django.db import migrations

# The default authority of each tier: L1 small gifts up to USD 50; L2 also free return/exchange
# (and reshipment) up to USD 100; L3 custom arrangements, money above USD 100 still needs a supervisor.
DEFAULT_TIERS = {
    "L1": (Decimal("50.00"), ["partial_refund", "coupon", "gift"]),
    "L2": (Decimal("100.00"), ["partial_refund", "full_refund", "coupon", "gift", "reshipment", "return_exchange"]),
    "L3": (
        Decimal("100.00"),
        ["partial_refund", "full_refund", "coupon", "gift", "reshipment", "return_exchange", "custom"],
    ),
}


def seed_tiers(apps, schema_editor):
    TierAuthority = apps.get_model("policies", "TierAuthority")
    for tier, (limit, kinds) in DEFAULT_TIERS.items():
        TierAuthority.objects.get_or_create(tier=tier, defaults={"limit_usd": limit, "kinds": kinds})


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(seed_tiers, migrations.RunPython.noop)]
