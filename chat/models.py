"""Live chat on a shop's website: the sites that embed the widget, each visitor's conversation (a
ticket of the `chat` channel), the client ids that make a retried send one message, and each
agent's number of chat seats."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Team, Ticket


class ChatSite(models.Model):
    """A website that embeds the widget with this site's public key."""

    name = models.CharField(_("name"), max_length=100)
    public_key = models.CharField(_("public key"), max_length=40, unique=True)
    allowed_origins = models.TextField(
        _("allowed origins"),
        help_text=_("One per line, e.g. https://shop.example.com. Only these pages may show the widget."),
    )
    blocked_origins = models.TextField(
        _("blocked origins"), blank=True, help_text=_("One per line: refused even when allowed above.")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("Empty: chats are routed by the customer's country and language, like every ticket."),
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories offered in the pre-chat form")
    )
    max_wait_minutes = models.PositiveSmallIntegerField(
        _("longest wait offered"),
        default=15,
        help_text=_("A longer expected wait offers the visitor to leave a message and be answered by email."),
    )
    transcript_always = models.BooleanField(_("always email the transcript"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat site")
        verbose_name_plural = _("chat sites")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def _origins(text: str) -> list[str]:
        return [line.strip().rstrip("/").lower() for line in text.splitlines() if line.strip()]

    @property
    def origins(self) -> list[str]:
        blocked = set(self._origins(self.blocked_origins))
        return [origin for origin in self._origins(self.allowed_origins) if origin not in blocked]

    def allows(self, origin: str) -> bool:
        return origin.strip().rstrip("/").lower() in self.origins


class ChatState(models.TextChoices):
    QUEUED = "queued", _("Waiting for an agent")
    ACTIVE = "active", _("With an agent")
    EMAIL = "email", _("Continued by email")
    ENDED = "ended", _("Ended")


class ChatConversation(models.Model):
    """A visitor's conversation; its ticket holds the messages. The visitor proves who they are by
    a token kept in their browser, stored here only as its SHA-256. Its live stream is `chat:<id>`."""

    site = models.ForeignKey(ChatSite, on_delete=models.PROTECT, related_name="conversations")
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="chat")
    token_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=ChatState.choices, default=ChatState.QUEUED)
    language = models.CharField(_("language"), max_length=10)
    visitor_name = models.CharField(_("visitor's name"), max_length=200)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    # In the queue since (the start, or a transfer to a team); its place counts from it.
    queued_since = models.DateTimeField(_("waiting since"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # What the visitor was last told of their place, so a change is pushed once and a place that
    # grows comes with its reason.
    told_position = models.PositiveIntegerField(null=True, blank=True)
    told_minutes = models.PositiveIntegerField(null=True, blank=True)
    told_team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The agents' replies the visitor has seen (their message ids), and those emailed because unseen.
    visitor_read_upto = models.BigIntegerField(default=0)
    emailed_upto = models.BigIntegerField(default=0)
    agent_read_upto = models.BigIntegerField(default=0)
    last_reply_id = models.BigIntegerField(default=0)  # the agents' newest reply
    last_reply_at = models.DateTimeField(null=True, blank=True)
    transcript_sent_at = models.DateTimeField(null=True, blank=True)
    rated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat conversation")
        verbose_name_plural = _("chat conversations")
        indexes = [
            models.Index(fields=["agent"], condition=Q(state="active"), name="chat_active_by_agent"),
            models.Index(fields=["state", "created_at"], name="chat_state_created"),
        ]

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.state})"

    @property
    def stream(self) -> str:
        return f"chat:{self.pk}"


class ChatLine(models.Model):
    """A visitor's message by the client id their widget gave it: a retried send finds it here."""

    conversation = models.ForeignKey(ChatConversation, on_delete=models.CASCADE, related_name="lines")
    client_id = models.CharField(max_length=64)
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "client_id"], name="chat_line_client_id_once")]

    def __str__(self) -> str:
        return f"{self.client_id} → message {self.message_id}"


class ChatSeat(models.Model):
    """How many chats an agent takes at once, where it differs from CHAT_SEATS_PER_AGENT."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_seat", verbose_name=_("agent")
    )
    seats = models.PositiveSmallIntegerField(_("chats at once"), default=3)

    class Meta:
        verbose_name = _("chat seats")
        verbose_name_plural = _("chat seats")

    def __str__(self) -> str:
        return f"{self.user} · {self.seats}"
