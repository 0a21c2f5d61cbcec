from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by the health task: proof that a worker took a task from the broker and ran it."""

    token = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.created_at:%Y-%m-%d %H:%M:%S}"
