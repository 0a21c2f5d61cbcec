from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .customers import Customer, Order
from .people import Team


class CategoryKind(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    COMPLAINT = "complaint", _("Complaint")


class Category(models.Model):
    """A kind of problem; its fields are the facts an agent must capture before solving."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CategoryKind.choices, default=CategoryKind.INQUIRY)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class FactType(models.TextChoices):
    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    COUNTRY = "country", _("Country")
    MONEY = "money", _("Amount and currency")
    IMAGE = "image", _("Image attachment on the ticket")


class CategoryField(models.Model):
    """One fact a category requires, e.g. the tracking number of a logistics complaint."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=50)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=10, choices=FactType.choices, default=FactType.TEXT)
    required = models.BooleanField(_("required to solve"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "key"], name="category_field_key_unique")]
        verbose_name = _("required fact")
        verbose_name_plural = _("required facts")

    def __str__(self) -> str:
        return f"{self.label or self.key} ({self.category})"


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING)
OPEN_Q = Q(status__in=[s.value for s in OPEN_STATUSES])


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("Email")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    SYSTEM = "system", _("Proactive")


class Ticket(models.Model):
    subject = models.CharField(_("subject"), max_length=255)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets", db_index=False)
    # Foreign keys without an index of their own: each index costs an entry on every new ticket and on
    # every change of an indexed column (a reassignment). Most tickets have no order, follow-up or merge,
    # so those are indexed where set (Meta.indexes); teams and categories are too few for an index to
    # find anything faster than a scan, and the queues' partial indexes lead with the team.
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets", db_index=False
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tickets", db_index=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_tickets"
    )
    # One of the registered channels (tickets/services/intake.py), built in (Channel) or added.
    channel = models.CharField(_("channel"), max_length=10)
    # The channel's own key for the conversation (a chat, an app user), where it has one.
    conversation_key = models.CharField(max_length=200, blank=True, default="", db_default="", editable=False)
    language = models.CharField(_("language"), max_length=10, default="en")
    language_unserved = models.BooleanField(
        _("no team speaks its language"),
        default=False,
        db_default=False,  # rows written in bulk or by SQL need not name it
        editable=False,
        help_text=_("Set on arrival when no agent of any team spoke its language: it went to the default team."),
    )
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups", db_index=False
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_tickets", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField()
    first_customer_message_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(_("next SLA deadline"), null=True, blank=True, editable=False)
    sla_state = models.CharField(_("SLA state"), max_length=10, default="ok", editable=False)
    search_text = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # Queues read open tickets only; partial indexes keep them small at any table size.
            models.Index(fields=["team", "-last_activity_at", "-id"], condition=OPEN_Q, name="tkt_open_team_activity"),
            models.Index(fields=["assignee", "-last_activity_at", "-id"], condition=OPEN_Q, name="tkt_open_assignee"),
            models.Index(
                fields=["team", "-last_activity_at", "-id"],
                condition=OPEN_Q & Q(assignee__isnull=True),
                name="tkt_open_unassigned",
            ),
            models.Index(fields=["-last_activity_at", "-id"], condition=OPEN_Q, name="tkt_open_activity"),
            models.Index(fields=["team", "sla_due_at", "id"], condition=OPEN_Q, name="tkt_open_team_due"),
            models.Index(fields=["solved_at"], condition=Q(status="solved"), name="tkt_solved_at"),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["order"], condition=Q(order__isnull=False), name="tkt_order"),
            models.Index(fields=["follow_up_of"], condition=Q(follow_up_of__isnull=False), name="tkt_follow_up_of"),
            models.Index(fields=["merged_into"], condition=Q(merged_into__isnull=False), name="tkt_merged_into"),
            models.Index(
                fields=["channel", "conversation_key", "-id"],
                condition=~Q(conversation_key=""),
                name="tkt_conversation",
            ),
            # The recent first replies of a team's conversations (chat, apps): their expected wait.
            models.Index(
                fields=["team", "-first_response_at"],
                condition=Q(first_response_at__isnull=False) & ~Q(conversation_key=""),
                name="tkt_conversation_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return format_reference(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


REFERENCE_PREFIX = "HD-"


def format_reference(pk: int | None) -> str:
    return f"{REFERENCE_PREFIX}{pk or 0:06d}"


def parse_reference(text: str) -> int | None:
    """The ticket id in a reference such as 'HD-000123', or None."""
    text = text.strip().upper()
    if text.startswith(REFERENCE_PREFIX) and text[len(REFERENCE_PREFIX) :].isdigit():
        return int(text[len(REFERENCE_PREFIX) :])
    return None


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer message")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    # Our own message to the customer, sent automatically (e.g. a proactive delivery notice).
    SYSTEM = "system", _("Sent automatically")


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("message"))
    channel = models.CharField(max_length=10, blank=True)
    is_automatic = models.BooleanField(default=False)
    email_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {format_reference(self.ticket_id)}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.ticket_id}/{instance.token}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments", null=True)
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class TicketEvent(models.Model):
    """An entry of a ticket's history: who changed what, when, from what to what."""

    # No index of its own: the (ticket, created_at) index serves lookups by ticket.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=30)
    old_value = models.CharField(max_length=255, blank=True)
    new_value = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.old_value} -> {self.new_value}"


class CannedReply(models.Model):
    """A ready answer; its body is translated per language and may use {customer_name},
    {ticket_reference}, {agent_name} and {order_number}."""

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("body"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title
