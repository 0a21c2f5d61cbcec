"""A ticket's SLA clocks are found through the unique (ticket, metric) index, and its history through
the (ticket, created_at) index: the foreign keys' own single-column indexes are redundant, and cost an
entry on every insert and every non-HOT update (each breach and warning sets a column of the clocks'
partial indexes, so each one is non-HOT).

Only the indexes are dropped (CONCURRENTLY on PostgreSQL): see helpdesk.migration_ops.DropRedundantIndex."""

import django.db.models.deletion
from django.db import migrations, models

from helpdesk.migration_ops import drop_foreign_key_index


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("tickets", "0008_ticket_customer_index_in_composite"),
    ]

    operations = [
        drop_foreign_key_index(
            model_name,
            "ticket",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name=related_name,
                to="tickets.ticket",
            ),
            index,
            f"tickets_{model_name}",
        )
        for model_name, related_name, index in (
            ("slaclock", "sla_clocks", "tickets_slaclock_ticket_id_3a7b2be6"),
            ("ticketevent", "events", "tickets_ticketevent_ticket_id_b572d14b"),
        )
    ]
