"""What agents use to move fast: tags on tickets and macros (named sets of changes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .people import Team
from .tickets import Category, Priority, Status, Ticket


class Tag(models.Model):
    """A label on tickets. Admins keep a managed list; agents may add free tags as they work."""

    name = models.CharField(_("name"), max_length=50)
    managed = models.BooleanField(
        _("managed"), default=True, help_text=_("Kept by admins; free tags are the ones agents added.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="ticket_tags", db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="ticket_tags", db_index=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_once")]
        # the unique index serves a ticket's tags; this one the tickets of a tag (filters, views)
        indexes = [models.Index(fields=["tag", "ticket"], name="ticket_tag_by_tag")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.tag_id}"


class AssigneeAction(models.TextChoices):
    KEEP = "", _("Leave as it is")
    ME = "me", _("Assign to me")
    NOBODY = "nobody", _("Unassign")


class Macro(models.Model):
    """A named set of changes applied to a ticket at once: a reply in the ticket's language (with
    placeholders), status, priority, category, assignee, tags and facts.

    Whose it is: an agent's own (owner set), shared with a team (team set, by its supervisor or an
    admin), or shared with everyone (neither, by an admin)."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="macros",
        verbose_name=_("kept by"),
        help_text=_("Set for an agent's own macro; empty for a shared one."),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with team"),
        help_text=_("Empty: shared with every team."),
    )
    reply = models.TextField(
        _("reply"),
        blank=True,
        help_text=_(
            "Sent to the customer in the ticket's language; may use {customer_name}, {ticket_reference}, "
            "{agent_name} and {order_number}."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, null=True, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    assignee = models.CharField(_("assignee"), max_length=10, choices=AssigneeAction.choices, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("tags to add"))
    facts = models.JSONField(_("facts"), default=dict, blank=True, help_text=_('e.g. {"ship_date": "2026-11-02"}'))
    uses = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self) -> str:
        return self.name


class MacroUse(models.Model):
    """One application of a macro to a ticket, for the reports."""

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="+", db_index=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["macro", "used_at"], name="macro_use_by_macro")]

    def __str__(self) -> str:
        return f"{self.macro_id} on {self.ticket_id}"
