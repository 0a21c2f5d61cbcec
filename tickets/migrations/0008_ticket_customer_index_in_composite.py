"""Tickets by customer are found through the (customer, -created_at) index: the foreign key's own
single-column index is redundant, and costs an entry on every ticket insert and non-HOT update.

Only the index is dropped (CONCURRENTLY on PostgreSQL): see helpdesk.migration_ops.DropRedundantIndex."""

import django.db.models.deletion
from django.db import migrations, models

from helpdesk.migration_ops import DropRedundantIndex


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
            # the name Django gave the foreign key's index
            database_operations=[
                DropRedundantIndex("tickets_ticket_customer_id_f2d9135a", "tickets_ticket", "customer_id")
            ],
        ),
    ]
