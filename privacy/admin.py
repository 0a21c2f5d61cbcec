from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_base import ReadOnlyAdmin

from . import services
from .models import ErasureRequest, RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ("kind", "keep_days", "is_active")
    list_editable = ("keep_days", "is_active")

    def get_urls(self) -> list[Any]:
        report = path("report/", self.admin_site.admin_view(self.report_view), name="privacy_retention_report")
        return [report, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        link = format_html(
            '<a href="{}">{}</a>', reverse("admin:privacy_retention_report"), _("Dry run: what would go")
        )
        return super().changelist_view(request, {**(extra_context or {}), "subtitle": link})

    def report_view(self, request: HttpRequest) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retention: what the next sweep would remove"),
            "lines": services.retention_dry_run(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "privacy/retention_report.html", context)


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ("customer", "state", "requested_at", "due_at", "completed_at", "requested_by")
    list_filter = ("state",)
