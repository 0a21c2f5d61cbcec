"""A one-time code a customer asked for to see an order, or all their requests: stored hashed,
single-use, short-lived. And the help centre's articles, written per language in the admin."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Customer, Order


class AccessCode(models.Model):
    """Only a match gets a row (and an email): a guess that matched nothing leaves no trace to open."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    # The order for the order page; empty for a code that opens the customer's requests.
    order = models.ForeignKey(Order, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    order_number = models.CharField(_("order number"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order access code")
        verbose_name_plural = _("order access codes")
        indexes = [models.Index(fields=["email", "order_number", "-created_at"], name="selfservice_code_lookup")]

    def __str__(self) -> str:
        return f"{self.order_number} ({self.created_at:%Y-%m-%d %H:%M})"


class HelpTopic(models.TextChoices):
    ORDERS = "orders", _("Orders and delivery")
    RETURNS = "returns", _("Returns and refunds")
    PAYMENT = "payment", _("Payment")
    ACCOUNT = "account", _("Your account")


# Addresses under /support/help/ that are pages of their own, not articles.
RESERVED_SLUGS = frozenset({"search"})


class HelpArticle(models.Model):
    """An answer customers read at the public help centre; title and body have a field per language
    (selfservice/translation.py). The body is plain text, paragraphs separated by an empty line, shown
    escaped, never as HTML."""

    slug = models.SlugField(
        _("web address"), max_length=80, unique=True, help_text=_("Part of the article's link, e.g. where-is-my-order.")
    )
    topic = models.CharField(_("topic"), max_length=20, choices=HelpTopic.choices, default=HelpTopic.ORDERS)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Plain text; an empty line starts a new paragraph."))
    published = models.BooleanField(_("published"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower comes first in its topic."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["topic", "position", "id"]
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")

    def __str__(self) -> str:
        return str(self.title)

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is the help centre's search page: choose another.")})


class AssistantStep(models.TextChoices):
    """What the assistant waits for from the customer."""

    NOTHING = "", _("Nothing")
    MENU = "menu", _("A choice from the menu")
    ORDER_NUMBER = "order_number", _("The order number")
    EMAIL = "email", _("The email on the order")
    CODE = "code", _("The code sent by email")
    FACT = "fact", _("A fact of the complaint")


class HandoverReason(models.TextChoices):
    REQUESTED = "requested", _("The customer asked for a person")
    NOT_UNDERSTOOD = "not_understood", _("Not understood twice in a row")
    COMPLAINT = "complaint", _("A complaint, its facts gathered")
    NOT_VERIFIED = "not_verified", _("The order could not be verified")
    NO_ANSWER = "no_answer", _("No help article answers it")
    AGENT_REPLIED = "agent_replied", _("An agent replied")


class AssistantSession(models.Model):
    """What the assistant knows of one conversation (one ticket): what the customer asked, the order
    they proved is theirs, the facts they gave, what it answered, and whether it handed over. Written
    only by `selfservice.assistant.service`, under this row's lock; after `handed_over_at` it says
    nothing more."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="assistant_session")
    intent = models.CharField(_("intent"), max_length=30, blank=True)
    step = models.CharField(_("step"), max_length=20, choices=AssistantStep.choices, blank=True)
    # The order number and email the customer gave, until the code proves the order is theirs.
    order_number = models.CharField(_("order number"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("verified order")
    )
    codes_sent = models.PositiveSmallIntegerField(default=0)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    facts = models.JSONField(_("facts gathered"), default=dict, blank=True)
    answered = models.JSONField(_("answered"), default=list, blank=True)
    intents_asked = models.JSONField(default=list, blank=True)
    misunderstood = models.PositiveSmallIntegerField(default=0)
    greeted = models.BooleanField(default=False)
    # The newest customer message handled: a task for it (or an older one) does nothing.
    last_message_id = models.BigIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handover_reason = models.CharField(_("reason"), max_length=20, choices=HandoverReason.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assistant conversation")
        verbose_name_plural = _("assistant conversations")
        indexes = [models.Index(fields=["created_at"], name="selfservice_assistant_created")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.intent or '-'}"
