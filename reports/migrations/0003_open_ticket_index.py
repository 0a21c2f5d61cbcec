"""A covering index over open tickets for the backlog figure (new, open or pending, by age): the
backlog is read from the index alone, at any size of the ticket table. Built CONCURRENTLY."""

from django.db import migrations

POSTGRES = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS reports_ticket_open ON tickets_ticket (created_at) "
    "INCLUDE (id, status, team_id, assignee_id, category_id, channel, customer_id) "
    "WHERE status IN ('new', 'open', 'pending')"
)
SQLITE = (
    "CREATE INDEX IF NOT EXISTS reports_ticket_open ON tickets_ticket (created_at) "
    "WHERE status IN ('new', 'open', 'pending')"
)


def create(apps, schema_editor):
    schema_editor.execute(POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE, params=None)


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS reports_ticket_open", params=None)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("reports", "0002_ticket_report_indexes")]

    operations = [migrations.RunPython(create, drop)]
