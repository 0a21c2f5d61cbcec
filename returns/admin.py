from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from helpdesk.admin_base import ReadOnlyAdmin

from .models import ReturnAddress, ReturnEvent, ReturnRequest


@admin.register(ReturnAddress)
class ReturnAddressAdmin(admin.ModelAdmin):
    list_display = ("country", "name")
    search_fields = ("country", "name")


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "old_state", "new_state", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdmin):
    """A return moves through its services (the ticket's panel), never by editing."""

    list_display = ("id", "order", "kind", "reason", "state", "refund_amount", "currency", "created_at")
    list_filter = ("state", "kind", "reason")
    search_fields = ("order__external_number",)
    inlines = [ReturnEventInline]
