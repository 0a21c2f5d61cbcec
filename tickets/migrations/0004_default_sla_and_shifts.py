from datetime import time

from django.db import migrations


def seed(apps, schema_editor):
    SlaTarget = apps.get_model("tickets", "SlaTarget")
    Shift = apps.get_model("tickets", "Shift")
    # The default targets: first response 3 min for inquiries, 10 min for complaints; resolution 24 h / 48 h.
    SlaTarget.objects.get_or_create(kind="inquiry", priority=None,
                                    defaults={"first_response_minutes": 3, "resolution_minutes": 24 * 60})
    SlaTarget.objects.get_or_create(kind="complaint", priority=None,
                                    defaults={"first_response_minutes": 10, "resolution_minutes": 48 * 60})
    for name, region, start, end in [
        ("Morning", "Asia", time(9), time(17)),
        ("Evening", "Europe", time(16), time(0)),
        ("Night", "North America", time(23), time(7)),
    ]:
        Shift.objects.get_or_create(name=name, defaults={"region": region, "starts_at": start, "ends_at": end})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_sla_and_shifts")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
