from django.db import migrations


def seed(apps, schema_editor):
    from logistics.defaults import seed_defaults

    seed_defaults(
        apps.get_model("logistics", "Carrier"),
        apps.get_model("logistics", "ExceptionRule"),
        apps.get_model("logistics", "CarrierExceptionCode"),
    )


class Migration(migrations.Migration):
    dependencies = [("logistics", "0003_exception_codes_and_episodes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
