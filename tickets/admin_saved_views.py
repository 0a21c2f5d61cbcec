"""Saved views in the admin: seen, and thrown away where needed; agents and supervisors keep them from the queue."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_base import ReadOnlyAdmin
from helpdesk.names import person_column

from .models import SavedView


@admin.register(SavedView)
class SavedViewAdmin(ReadOnlyAdmin):
    may_delete = True
    list_display = ["name", person_column("owner", _("owner")), "team", "base", "sort", "created_at"]
    list_filter = ["team"]
    search_fields = ["name", "owner__username"]
    list_select_related = ["owner", "team"]
