from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_base import ReadOnlyAdmin

from .models import ChatConversation, ChatSeat, ChatSite


@admin.register(ChatSite)
class ChatSiteAdmin(admin.ModelAdmin):
    list_display = ["name", "public_key", "team", "active"]
    readonly_fields = ["public_key", "snippet"]
    filter_horizontal = ["categories"]

    @admin.display(description=_("code for the shop's pages"))
    def snippet(self, site: ChatSite) -> str:
        if not site.public_key:
            return "–"
        loader = settings.SITE_URL + static("chat/loader.js")
        return f'<script src="{loader}" data-key="{site.public_key}" async></script>'

    def save_model(self, request: Any, obj: ChatSite, form: Any, change: bool) -> None:
        if not obj.public_key:
            obj.public_key = secrets.token_urlsafe(18)
        super().save_model(request, obj, form, change)


@admin.register(ChatConversation)
class ChatConversationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "site", "state", "visitor_name", "agent", "created_at"]
    list_filter = ["state", "site"]
    exclude = ["token_hash"]


@admin.register(ChatSeat)
class ChatSeatAdmin(admin.ModelAdmin):
    list_display = ["user", "seats"]
    autocomplete_fields = ["user"]
