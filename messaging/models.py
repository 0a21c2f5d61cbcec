from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Provider(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    LINE = "line", _("LINE")
    TELEGRAM = "telegram", _("Telegram")


class ChannelAccount(models.Model):
    """One account with a provider (a WhatsApp business number, a LINE official account, a Telegram
    bot); several per provider. Its webhook is /webhooks/messaging/<provider>/<slug>/."""

    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50, unique=True, help_text=_("Part of the webhook's address."))
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=256,
        help_text=_(
            "WhatsApp: the app secret; LINE: the channel secret; Telegram: the secret_token given to setWebhook."
        ),
    )
    previous_webhook_secret = models.CharField(
        _("previous webhook secret"),
        max_length=256,
        blank=True,
        help_text=_("Still accepted while the provider changes over to the new secret; empty it afterwards."),
    )
    access_token = models.CharField(
        _("access token"),
        max_length=512,
        help_text=_("WhatsApp: the access token; LINE: the channel access token; Telegram: the bot token."),
    )
    verify_token = models.CharField(
        _("verify token"), max_length=256, blank=True, help_text=_("WhatsApp only: answers the webhook handshake.")
    )
    sender_id = models.CharField(
        _("phone number id or bot id"),
        max_length=64,
        blank=True,
        help_text=_("WhatsApp: the phone number id messages are sent from; LINE and Telegram: the bot's id."),
    )
    api_base_url = models.URLField(_("API base URL"), blank=True, help_text=_("Empty: the provider's own."))
    content_base_url = models.URLField(
        _("content base URL"),
        blank=True,
        help_text=_("LINE only: where message content is fetched. Empty: LINE's own."),
    )
    active = models.BooleanField(_("active"), default=True)
    rejected_count = models.PositiveIntegerField(_("refused deliveries"), default=0, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("messaging account")
        verbose_name_plural = _("messaging accounts")
        ordering = ["provider", "name"]

    def __str__(self) -> str:
        return f"{self.get_provider_display()}: {self.name}"

    def secrets(self) -> list[str]:
        return [secret for secret in (self.webhook_secret, self.previous_webhook_secret) if secret]


class InboundEvent(models.Model):
    """One event of a webhook delivery, with the delivery's raw body and headers, stored before it is
    processed. Unique per account and provider id (a message id, LINE's webhookEventId, Telegram's
    update_id), so a retried or replayed delivery stores nothing twice."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        STATUS = "status", _("Delivery status")
        OTHER = "other", _("Other")

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(_("provider id"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    body = models.BinaryField(_("raw body"))
    headers = models.JSONField(_("headers"), default=dict)
    payload = models.JSONField(_("event"), default=dict)
    received_at = models.DateTimeField(_("received at"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    message_id = models.BigIntegerField(null=True, blank=True, editable=False)  # the ticket message it became

    class Meta:
        verbose_name = _("inbound event")
        verbose_name_plural = _("inbound events")
        constraints = [models.UniqueConstraint(fields=["account", "event_id"], name="msg_event_unique")]
        indexes = [
            models.Index(
                fields=["received_at", "id"], condition=Q(processed_at__isnull=True), name="msg_event_waiting"
            ),
            models.Index(fields=["account", "-received_at"], name="msg_event_account"),
            models.Index(fields=["message_id"], condition=Q(message_id__isnull=False), name="msg_event_message"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.event_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


# A later status never goes back to an earlier one (a late "delivered" after "read").
STATUS_RANK = {
    DeliveryStatus.QUEUED: 0,
    DeliveryStatus.SENT: 1,
    DeliveryStatus.DELIVERED: 2,
    DeliveryStatus.READ: 3,
    DeliveryStatus.FAILED: 4,
}


class OutboundMessage(models.Model):
    """An agent's reply on its way to the provider: a row with a due time, sent by a sweep with
    retries and backoff, then its delivery status as the provider reports it."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.PROTECT, related_name="outbound")
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="outbound")
    part = models.PositiveSmallIntegerField(default=0, help_text=_("0: the text; 1, 2, …: its files, in order."))
    recipient = models.CharField(_("recipient"), max_length=100)
    payload = models.JSONField(_("request body"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default="queued")
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        constraints = [models.UniqueConstraint(fields=["message", "part"], name="msg_outbound_part_unique")]
        indexes = [models.Index(fields=["due_at", "id"], condition=Q(status="queued"), name="msg_outbound_due")]

    def __str__(self) -> str:
        return f"{self.account} → {self.recipient} ({self.status})"

    @property
    def file_name(self) -> str:
        return str(self.payload.get("name", "")) if self.part else ""


class MediaFetch(models.Model):
    """A customer's image, document or sticker to fetch from the provider and attach to their
    message; retried with backoff. LINE deletes content after a while, so it is due at once."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="media")
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="media_fetches")
    media_ref = models.CharField(_("media id"), max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    failed = models.BooleanField(_("given up"), default=False)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("media download")
        verbose_name_plural = _("media downloads")
        indexes = [models.Index(fields=["due_at", "id"], condition=Q(due_at__isnull=False), name="msg_media_due")]

    def __str__(self) -> str:
        return self.filename


class WhatsAppTemplate(models.Model):
    """A message template approved by WhatsApp, in one language: the only thing that may be sent
    once the customer-service window (24 hours after the customer's last message) has closed."""

    account = models.ForeignKey(
        ChannelAccount, on_delete=models.CASCADE, related_name="templates", limit_choices_to={"provider": "whatsapp"}
    )
    name = models.CharField(_("template name"), max_length=512, help_text=_("As registered with WhatsApp."))
    language = models.CharField(_("language code"), max_length=15, help_text=_("WhatsApp's code, e.g. en_US, de, ja."))
    body = models.TextField(_("body"), help_text=_("The approved text, with its placeholders {{1}}, {{2}}, …"))
    approved = models.BooleanField(_("approved"), default=False)

    class Meta:
        verbose_name = _("WhatsApp template")
        verbose_name_plural = _("WhatsApp templates")
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name", "language"], name="msg_template_unique_language")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class QueueMessage(models.Model):
    """What a waiting app user was last told of their place in the queue: the wait it was about (when
    it began), the place and expected wait told (none: no agent was on shift), and when. The sweep
    tells them again only when the estimate changed a lot; a second run, or a lost task, tells
    nothing twice."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="queue_message")
    waiting_since = models.DateTimeField(_("waiting since"))
    position = models.PositiveIntegerField(_("place in the queue"))
    minutes = models.PositiveIntegerField(_("expected wait (minutes)"), null=True, blank=True)
    told_at = models.DateTimeField(_("told at"))
    times_told = models.PositiveSmallIntegerField(_("times told"), default=1)

    class Meta:
        verbose_name = _("queue message")
        verbose_name_plural = _("queue messages")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.position} / {self.minutes}"
