"""Five of a ticket's foreign keys lose their single-column index. Every index takes an entry for each new
ticket and for each change of an indexed column (a reassignment), so an SLA sweep that reassigns a
thousand tickets wrote sixteen index entries for each one.

- order, follow-up and merge: most tickets have none, yet each stored its NULL. They are now indexed where
  set, which still finds a ticket's follow-ups, merged tickets and an order's tickets.
- team and category: a handful of values over the whole table, which no query is faster for. The queues'
  partial indexes over open tickets lead with the team.

The new indexes are built and the old ones dropped CONCURRENTLY on PostgreSQL (see
helpdesk.migration_ops); the foreign-key constraints are left as they are."""

import django.db.models.deletion
from django.db import migrations, models

from helpdesk.migration_ops import AddIndexConcurrently, drop_foreign_key_index


def _key(to: str, on_delete, related_name: str, *, null: bool = True) -> models.ForeignKey:
    options = {"blank": True, "null": True} if null else {}
    return models.ForeignKey(db_index=False, on_delete=on_delete, related_name=related_name, to=to, **options)


SET_NULL, PROTECT = django.db.models.deletion.SET_NULL, django.db.models.deletion.PROTECT
FIELDS = {  # field: (its new definition, the index Django made for it)
    "category": (_key("tickets.category", PROTECT, "+"), "tickets_ticket_category_id_710dbfd0"),
    "follow_up_of": (_key("tickets.ticket", SET_NULL, "follow_ups"), "tickets_ticket_follow_up_of_id_29bc6d56"),
    "merged_into": (_key("tickets.ticket", SET_NULL, "merged_tickets"), "tickets_ticket_merged_into_id_3a36ad40"),
    "order": (_key("tickets.order", SET_NULL, "tickets"), "tickets_ticket_order_id_17020515"),
    "team": (_key("tickets.team", PROTECT, "tickets", null=False), "tickets_ticket_team_id_5a4e7469"),
}
WHERE_SET = {"order": "tkt_order", "follow_up_of": "tkt_follow_up_of", "merged_into": "tkt_merged_into"}


class Migration(migrations.Migration):
    atomic = False  # CREATE and DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("tickets", "0009_clock_and_event_ticket_index_in_composite"),
    ]

    operations = [
        *(
            AddIndexConcurrently(
                model_name="ticket",
                index=models.Index(condition=models.Q((f"{name}__isnull", False)), fields=[name], name=index_name),
            )
            for name, index_name in WHERE_SET.items()
        ),
        *(
            drop_foreign_key_index("ticket", name, field, index_name, "tickets_ticket")
            for name, (field, index_name) in FIELDS.items()
        ),
    ]
