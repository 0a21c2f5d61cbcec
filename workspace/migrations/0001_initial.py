"""The models that lived in the project package (helpdesk 0001-0004), taken over with their tables as
they are: the state only changes, the database not."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('helpdesk', '0004_notification_user_index_in_unique'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='WorkerHeartbeat',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('token', models.CharField(max_length=64, unique=True)),
                    ('hostname', models.CharField(max_length=255)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                ],
                options={
                    'db_table': 'helpdesk_workerheartbeat',
                },
            ),
            migrations.CreateModel(
                name='AuditEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('actor_name', models.CharField(blank=True, max_length=150)),
                    ('ip', models.CharField(blank=True, max_length=64)),
                    ('action', models.CharField(db_index=True, max_length=64)),
                    ('target_type', models.CharField(blank=True, max_length=64)),
                    ('target_id', models.CharField(blank=True, max_length=64)),
                    ('detail', models.JSONField(blank=True, default=dict)),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                    ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'audit entry',
                    'verbose_name_plural': 'audit trail',
                    'db_table': 'helpdesk_auditentry',
                },
            ),
            migrations.CreateModel(
                name='Notification',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('key', models.CharField(help_text='Unique per user: notifying twice keeps one notice.', max_length=200)),
                    ('text', models.CharField(max_length=500)),
                    ('url', models.CharField(blank=True, max_length=500)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('read_at', models.DateTimeField(blank=True, null=True)),
                    ('user', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'helpdesk_notification',
                    'indexes': [models.Index(condition=models.Q(('read_at__isnull', True)), fields=['user', '-created_at'], name='notification_unread')],
                    'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='notification_unique_per_user')],
                },
            ),
            ],
        ),
    ]
