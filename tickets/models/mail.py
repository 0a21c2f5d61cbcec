from __future__ import annotations

from django.db import models
from django.db.models import Q

from .tickets import Message, Ticket


class OutboundEmail(models.Model):
    """The send log: one row per email to send, unique by key, so a task run twice sends once."""

    class State(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"  # claimed by one sender; see tickets.services.email.email_send
        SENT = "sent"
        FAILED = "failed"

    key = models.CharField(max_length=200, unique=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="emails")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails")
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    email_message_id = models.CharField(max_length=255)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    due_at = models.DateTimeField()
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    handover_at = models.DateTimeField(null=True, blank=True)  # the connection was open: delivery may happen
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], condition=Q(state="pending"), name="outbound_pending_due"),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="outbound_sending_claimed"),
        ]

    def __str__(self) -> str:
        return f"{self.key} -> {self.to} ({self.state})"


class InboundEmail(models.Model):
    """Every inbound message as received; kept even when it could not be turned into a ticket."""

    class State(models.TextChoices):
        PROCESSED = "processed"
        IGNORED = "ignored"
        QUARANTINED = "quarantined"

    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    raw = models.BinaryField()
    source = models.CharField(max_length=20)
    state = models.CharField(max_length=12, choices=State.choices)
    reason = models.TextField(blank=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.message_id or self.pk} ({self.state})"
