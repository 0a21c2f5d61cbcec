"""Saved views: a queue's filters, sort and columns under a name, kept by an agent or shared with a team."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .people import Team


class SavedView(models.Model):
    """Whose it is: the owner's own (team empty), or shared with a team (team set, by a supervisor of
    that team, who alone may then change it). `filters` holds the queue filter form's values as it
    cleaned them, under its field names; `base` is the built-in view it narrows (mine, team, ...)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("owner")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_views",
        verbose_name=_("shared with team"),
    )
    name = models.CharField(_("name"), max_length=80)
    base = models.CharField(_("queue view"), max_length=20)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    sort = models.CharField(_("sort"), max_length=20, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        indexes = [
            # The sidebar reads an agent's own views and their team's shared ones.
            models.Index(fields=["owner", "position"], condition=models.Q(team__isnull=True), name="saved_view_own"),
            models.Index(fields=["team", "position"], condition=models.Q(team__isnull=False), name="saved_view_team"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('tickets:queue')}?{self.query()}"

    def query(self) -> str:
        """The queue's query string that opens this view."""
        params: list[tuple[str, str]] = [("view", self.base)]
        params += [(key, str(value)) for key, value in self.filters.items() if value not in (None, "")]
        if self.sort:
            params.append(("sort", self.sort))
        params += [("cols", column) for column in self.columns]
        params.append(("saved", str(self.pk)))
        return urlencode(params)
