from django.conf import settings
from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by the health task: proof that a worker took a task from the broker and ran it."""

    token = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.created_at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """An in-app notice for one staff member (the bell), e.g. an SLA warning or an approval waiting."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200, help_text="Unique per user: notifying twice keeps one notice.")
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_per_user")]
        indexes = [models.Index(fields=["user", "-created_at"], condition=models.Q(read_at__isnull=True),
                                name="notification_unread")]

    def __str__(self) -> str:
        return self.text
