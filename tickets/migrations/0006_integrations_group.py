import importlib

from django.db import migrations

# The same idempotent step as 0002: every role group with its permissions, now with Integrations.
create_role_groups = importlib.import_module("tickets.migrations.0002_roles_and_search").create_role_groups


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_integration_permission")]
    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
