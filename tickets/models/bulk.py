"""A bulk action on the queue, kept with each changed ticket's previous values so it can be undone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BulkKind(models.TextChoices):
    ASSIGN = "assign", _("Assign")
    STATUS = "status", _("Set status")
    PRIORITY = "priority", _("Set priority")
    CATEGORY = "category", _("Set category")
    TEAM = "team", _("Move to team")
    MERGE = "merge", _("Merge into one ticket")
    MACRO = "macro", _("Apply a macro")
    TAG_ADD = "tag_add", _("Add a tag")
    TAG_REMOVE = "tag_remove", _("Remove a tag")


class BulkAction(models.Model):
    """What one agent did to many tickets at once. `changes` maps each changed ticket's id to the
    values the action touched, before and after ({"before": {...}, "after": {...}}); undo puts the
    "before" values back through the same services, for tickets still showing the "after" ones."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("action"), max_length=12, choices=BulkKind.choices)
    value = models.CharField(_("value"), max_length=200, blank=True)
    label = models.CharField(_("description"), max_length=300, blank=True)
    selected = models.PositiveIntegerField(_("tickets selected"), default=0)
    changes = models.JSONField(default=dict)
    refused = models.JSONField(default=list)  # [[reference, reason], ...], shown on the summary
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk action")
        verbose_name_plural = _("bulk actions")
        indexes = [models.Index(fields=["actor", "-created_at"], name="bulk_action_by_actor")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({len(self.changes)})"
