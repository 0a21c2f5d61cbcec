from django.contrib import admin

from .models import SummaryRefresh


@admin.register(SummaryRefresh)
class SummaryRefreshAdmin(admin.ModelAdmin):
    """How fresh the reports' summary is; written by the refresh task only."""

    list_display = ("refreshed_at", "full_refreshed_at", "first_day", "rows", "duration_ms")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
