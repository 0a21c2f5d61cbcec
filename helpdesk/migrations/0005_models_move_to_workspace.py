"""The notices, the audit trail and the heartbeats now belong to the workspace app: they leave this
package's state only; their tables stay as they are (workspace 0001 takes them over)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('workspace', '0001_initial'),
        ('helpdesk', '0004_notification_user_index_in_unique'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.RemoveField(
                model_name='auditentry',
                name='actor',
            ),
            migrations.RemoveField(
                model_name='notification',
                name='user',
            ),
            migrations.DeleteModel(
                name='WorkerHeartbeat',
            ),
            migrations.DeleteModel(
                name='AuditEntry',
            ),
            migrations.DeleteModel(
                name='Notification',
            ),
            ],
        ),
    ]
