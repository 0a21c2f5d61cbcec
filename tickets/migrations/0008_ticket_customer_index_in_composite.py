"""Tickets by customer are found through the (customer, -created_at) index: the foreign key's own
single-column index is redundant, and costs an entry on every ticket insert and non-HOT update.

Only the index is dropped (CONCURRENTLY on PostgreSQL): see helpdesk.migration_ops.DropRedundantIndex."""

import django.db.models.deletion
from django.db import migrations, models

from helpdesk.migration_ops import drop_foreign_key_index


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("tickets", "0007_outbound_send_claim"),
    ]

    operations = [
        drop_foreign_key_index(
            "ticket",
            "customer",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tickets",
                to="tickets.customer",
            ),
            "tickets_ticket_customer_id_f2d9135a",  # the name Django gave the foreign key's index
            "tickets_ticket",
        ),
    ]
