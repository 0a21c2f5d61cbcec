"""A person's notices are found through the unique (user, key) index (and the unread ones through
notification_unread): the foreign key's own single-column index is redundant, and costs an entry on
every notice inserted.

Only the index is dropped (CONCURRENTLY on PostgreSQL): see helpdesk.migration_ops.DropRedundantIndex."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from helpdesk.migration_ops import drop_foreign_key_index


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("helpdesk", "0003_audit_entry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_foreign_key_index(
            "notification",
            "user",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
            ),
            "helpdesk_notification_user_id_46cbd783",
            "helpdesk_notification",
        ),
    ]
