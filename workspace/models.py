from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    """What a notice is about; each kind has its own delivery preference."""

    ASSIGNMENT = "assignment", _("A ticket is given to me")
    SLA_WARNING = "sla_warning", _("A ticket nears its SLA deadline")
    SLA_BREACH = "sla_breach", _("A ticket missed its SLA target")
    APPROVAL_NEEDED = "approval_needed", _("Compensation waits for my approval")
    APPROVAL_DECIDED = "approval_decided", _("My compensation request was decided")
    CARE = "care", _("A low rating needs a call back")
    OTHER = "other", _("Other notices")


class Delivery(models.TextChoices):
    APP = "app", _("In the app")
    EMAIL = "email", _("By email")
    BOTH = "both", _("In the app and by email")
    NONE = "none", _("Not at all")


class WorkerHeartbeat(models.Model):
    """Written by the health task: proof that a worker took a task from the broker and ran it."""

    token = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "helpdesk_workerheartbeat"

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.created_at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """An in-app notice for one staff member (the bell), e.g. an SLA warning or an approval waiting."""

    # No index of its own: the unique (user, key) index serves lookups by user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    key = models.CharField(max_length=200, help_text="Unique per user: notifying twice keeps one notice.")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices, default=NoticeKind.OTHER, db_default="other")
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "helpdesk_notification"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_per_user")]
        indexes = [
            models.Index(
                fields=["user", "-created_at"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            )
        ]

    def __str__(self) -> str:
        return self.text


class NoticePreference(models.Model):
    """How a staff member wants one kind of notice; a kind without a row is shown in the app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences", db_index=False
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.APP)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class AuditEntry(models.Model):
    """One thing that happened, by whom, from where. Rows are never changed or deleted."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "helpdesk_auditentry"
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name or '-'} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries cannot be deleted")


class LiveStream(models.Model):
    """The last number given in one live stream (`ticket:12`, `queue:team:3`, `user:5`, ...): the
    row a writer locks to number its events, so numbers come in commit order with no gaps."""

    name = models.CharField(max_length=100, primary_key=True)
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seq}"


class LiveEvent(models.Model):
    """One numbered change of a live stream, kept a while for the pages that reconnect and ask for
    what they missed (the channel layer only rings the bell; this is the truth)."""

    stream = models.CharField(max_length=100)
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=32)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="live_event_unique_seq")]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.kind}"
