from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models

from helpdesk.admin_base import ReadOnlyAdmin

from .models import ChannelAccount, InboundEvent, MediaFetch, OutboundMessage, WhatsAppTemplate

SECRET_FIELDS = ("webhook_secret", "previous_webhook_secret", "access_token", "verify_token")


def _form_field(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # a provider's address is never plain HTTP by default
    return field.formfield(**kwargs)


class ChannelAccountForm(forms.ModelForm):
    class Meta:
        formfield_callback = _form_field
        model = ChannelAccount
        fields = (
            "provider",
            "name",
            "slug",
            "active",
            "webhook_secret",
            "previous_webhook_secret",
            "access_token",
            "verify_token",
            "sender_id",
            "api_base_url",
            "content_base_url",
        )
        widgets = {name: forms.PasswordInput(render_value=True) for name in SECRET_FIELDS}


class TemplateInline(admin.TabularInline):
    model = WhatsAppTemplate
    extra = 0


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    form = ChannelAccountForm
    list_display = ("name", "provider", "slug", "active", "last_error_at")
    list_filter = ("provider", "active")
    readonly_fields = ("rejected_count", "last_error", "last_error_at")
    inlines = [TemplateInline]


@admin.register(WhatsAppTemplate)
class WhatsAppTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "language", "account", "approved")
    list_filter = ("approved", "language", "account")
    search_fields = ("name", "body")


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "account", "kind", "received_at", "processed_at", "attempts", "error")
    list_filter = ("account", "kind")
    exclude = ("body",)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("account", "recipient", "status", "attempts", "due_at", "error")
    list_filter = ("account", "status")


@admin.register(MediaFetch)
class MediaFetchAdmin(ReadOnlyAdmin):
    list_display = ("filename", "account", "attempts", "due_at", "fetched_at", "failed", "error")
    list_filter = ("account", "failed")
