"""Tickets by customer are found through the (customer, -created_at) index: the foreign key's own
single-column index is redundant, and costs an entry on every ticket insert and non-HOT update.

Only the index is dropped (CONCURRENTLY on PostgreSQL). The AlterField that makemigrations writes
would also drop and re-add the foreign-key constraint on PostgreSQL, checking every ticket under a
lock, and remake the whole table on SQLite, losing the indexes made in SQL by the reports app."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "tickets_ticket_customer_id_f2d9135a"  # the name Django gave the foreign key's index


def _concurrently(schema_editor):
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {_concurrently(schema_editor)}IF EXISTS {INDEX}", params=None)


def create(apps, schema_editor):
    schema_editor.execute(
        f"CREATE INDEX {_concurrently(schema_editor)}IF NOT EXISTS {INDEX} ON tickets_ticket (customer_id)",
        params=None,
    )


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("tickets", "0007_outbound_send_claim"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="tickets.customer",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
