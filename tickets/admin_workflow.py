"""Admin pages for tags and macros (the agents' shortcuts)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from helpdesk.admin_base import ReadOnlyAdmin
from helpdesk.names import person_column

from .models import BulkAction, Macro, MacroUse, Tag, TicketTag
from .placeholders import PLACEHOLDERS


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "managed", "created_at"]
    list_filter = ["managed"]
    search_fields = ["name"]


@admin.register(Macro)
class MacroAdmin(TranslationAdmin):
    list_display = ["name", "team", person_column("owner", _("kept by")), "status", "uses"]
    list_filter = ["team", "status"]
    search_fields = ["name"]
    list_select_related = ["team", "owner"]
    filter_horizontal = ["tags"]
    readonly_fields = ["uses", "placeholders"]

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj: Any) -> str:
        return ", ".join(f"{{{name}}}: {meaning}" for name, meaning in PLACEHOLDERS.items())


@admin.register(TicketTag)
class TicketTagAdmin(ReadOnlyAdmin):
    """Which ticket carries which tag, as agents and macros set them (on the ticket page)."""

    list_display = ["ticket", "tag", person_column("added_by", _("added by")), "added_at"]
    list_filter = ["tag"]
    list_select_related = ["ticket", "tag", "added_by"]
    show_full_result_count = False


@admin.register(MacroUse)
class MacroUseAdmin(ReadOnlyAdmin):
    list_display = ["used_at", "macro", "ticket", person_column("actor", _("agent"))]
    list_filter = ["macro"]
    list_select_related = ["macro", "ticket", "actor"]
    show_full_result_count = False


@admin.register(BulkAction)
class BulkActionAdmin(ReadOnlyAdmin):
    """Bulk actions agents took on the queue, with what each changed (kept for undo and for audit)."""

    list_display = ["created_at", "label", person_column("actor", _("agent")), "selected", "undone_at"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    show_full_result_count = False
