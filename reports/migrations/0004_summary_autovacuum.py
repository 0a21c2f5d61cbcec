"""Each refresh deletes and re-inserts the recent days of the summary, so its dead rows pile up
faster than the default autovacuum thresholds (20 % of the table) expect: vacuum and analyze it
after 2 %, so the dashboard's day-range scans stay small."""

from django.db import migrations


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE reports_dailyticketstats SET (autovacuum_vacuum_scale_factor = 0.02, "
            "autovacuum_analyze_scale_factor = 0.02)",
            params=None,
        )


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE reports_dailyticketstats RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_analyze_scale_factor)",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_open_ticket_index")]

    operations = [migrations.RunPython(tune, untune)]
