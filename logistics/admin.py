"""Admin: carriers and exception rules are edited here; shipments, events, deliveries and
exceptions are read-only (their state changes only through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from helpdesk.tasking import enqueue

from .models import (
    Carrier,
    CarrierExceptionCode,
    ExceptionEpisode,
    ExceptionRule,
    Shipment,
    ShipmentException,
    ShipmentStatusChange,
    TrackingEvent,
)
from .models import WebhookDelivery as Delivery
from .services import rules_cache_clear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("name", "aftership_slug", "seventeentrack_code", "default_service_type", "is_active")
    list_filter = ("is_active", "default_service_type")
    search_fields = ("name", "aftership_slug")


@admin.register(ExceptionRule)
class ExceptionRuleAdmin(TranslationAdmin):
    list_display = (
        "kind",
        "destination_country",
        "service_type",
        "threshold_hours",
        "is_active",
        "open_ticket",
        "notify_customer",
        "offer_coupon",
    )
    list_filter = ("kind", "is_active", "service_type")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        rules_cache_clear()


@admin.register(CarrierExceptionCode)
class CarrierExceptionCodeAdmin(admin.ModelAdmin):
    """The carrier codes that are exceptions at once: add one when an aggregator adds a code."""

    list_display = ("sender", "code", "kind", "is_active")
    list_filter = ("sender", "kind", "is_active")
    list_editable = ("kind", "is_active")
    search_fields = ("code",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        rules_cache_clear()


@admin.register(ExceptionEpisode)
class ExceptionEpisodeAdmin(ReadOnlyAdmin):
    list_display = ("order", "opened_at", "closed_at", "notified_kind", "promised_delay_days", "notices", "ticket")
    list_filter = ("notified_kind",)
    raw_id_fields = ("order", "ticket")


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    fields = ("occurred_at", "utc_offset_minutes", "status", "sub_status", "description", "location", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusChangeInline(admin.TabularInline):
    model = ShipmentStatusChange
    fields = ("created_at", "old_status", "new_status", "new_sub_status", "event_at", "source", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = (
        "tracking_number",
        "order",
        "carrier",
        "service_type",
        "status",
        "destination_country",
        "last_event_at",
    )
    list_filter = ("status", "service_type", "carrier")
    search_fields = ("tracking_number", "order__external_number")
    list_select_related = ("order", "carrier")
    inlines = [StatusChangeInline, TrackingEventInline]


@admin.register(ShipmentException)
class ShipmentExceptionAdmin(ReadOnlyAdmin):
    list_display = (
        "kind",
        "shipment",
        "carrier_name",
        "destination_country",
        "detected_at",
        "resolved_at",
        "ticket",
        "customer_notified",
        "coupon_state",
    )
    list_filter = ("kind", "carrier_name", "destination_country")
    list_select_related = ("shipment", "ticket")
    date_hierarchy = "detected_at"


@admin.register(Delivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The raw body is not shown: it holds the customer's contact details as the sender sent them."""

    list_display = ("received_at", "sender", "event_type", "tracking_number", "state", "attempts", "processed_at")
    list_filter = ("sender", "state")
    search_fields = ("tracking_number",)
    fields = (
        "sender",
        "dedup_key",
        "event_type",
        "tracking_number",
        "carrier_code",
        "state",
        "attempts",
        "error",
        "signature_key",
        "shipment",
        "received_at",
        "processed_at",
    )
    readonly_fields = fields
    actions = ["process_again"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request)  # for the action only

    @admin.action(description=_("Process again (failed or unmatched ones)"))
    def process_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        ids = list(
            queryset.filter(state__in=[Delivery.State.FAILED, Delivery.State.UNMATCHED]).values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(state=Delivery.State.RECEIVED, attempts=0, error="")
        for pk in ids:
            enqueue("logistics.tasks.process_delivery", pk)
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", len(ids))
            % {"count": len(ids)},
            messages.SUCCESS,
        )
