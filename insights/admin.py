from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from helpdesk.admin_base import ReadOnlyAdmin

from .forms import SegmentAdminForm
from .models import CallbackPlan, CallbackTask, CustomerProfile, Segment
from .services.segments import segment_save, segments_delete


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    form = SegmentAdminForm
    list_display = ("name", "is_active", "priority_bump", "first_response_minutes", "route_min_tier", "chat_rank")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("refreshed_at",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        segment_save(segment=obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        segments_delete(segments=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        segments_delete(segments=list(queryset))


@admin.register(CallbackPlan)
class CallbackPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "segment", "trigger", "delay_days", "local_time", "is_active")
    list_filter = ("segment", "trigger", "is_active")


@admin.register(CustomerProfile)
class CustomerProfileAdmin(ReadOnlyAdmin):
    list_display = ("customer", "spend_12m_usd", "orders", "complaints", "rating_avg", "last_contact_at")
    list_select_related = ("customer",)


@admin.register(CallbackTask)
class CallbackTaskAdmin(ReadOnlyAdmin):
    list_display = ("plan", "customer", "due_at", "outcome", "done_at")
    list_select_related = ("plan", "customer")
    list_filter = ("outcome", "plan")
