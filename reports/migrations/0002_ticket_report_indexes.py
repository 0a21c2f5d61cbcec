"""Indexes on tickets_ticket that let the reports compute percentiles live over a period.

First-response figures read the tickets created in a period, resolution figures those solved in
it; without these, each is a scan of the whole ticket table. The columns the reports filter and
measure on are INCLUDEd, so PostgreSQL answers from the index alone (index-only scans). Built
CONCURRENTLY, so a deploy does not block ticket writes while they build. SQLite (quick start)
gets plain indexes.

They live here, with the queries that need them, rather than in tickets' Meta: the tickets app
knows nothing of the reports.
"""

from django.db import migrations

POSTGRES = [
    (
        "reports_ticket_created",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS reports_ticket_created ON tickets_ticket (created_at) "
        "INCLUDE (team_id, assignee_id, category_id, channel, customer_id, first_customer_message_at, "
        "first_response_at)",
    ),
    (
        "reports_ticket_solved",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS reports_ticket_solved ON tickets_ticket (solved_at) "
        "INCLUDE (team_id, assignee_id, category_id, channel, customer_id, created_at) "
        "WHERE solved_at IS NOT NULL",
    ),
]
SQLITE = [
    ("reports_ticket_created", "CREATE INDEX IF NOT EXISTS reports_ticket_created ON tickets_ticket (created_at)"),
    (
        "reports_ticket_solved",
        "CREATE INDEX IF NOT EXISTS reports_ticket_solved ON tickets_ticket (solved_at) WHERE solved_at IS NOT NULL",
    ),
]


def create(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for _name, sql in statements:
        schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, _sql in POSTGRES:
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("reports", "0001_initial"),
        ("tickets", "0006_integrations_group"),
    ]

    operations = [migrations.RunPython(create, drop)]
