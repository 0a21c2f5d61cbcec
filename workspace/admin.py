"""Worker heartbeats, in-app notifications, the audit trail and the live pages' streams: written by the
system, read here, never edited."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_base import ReadOnlyAdmin
from helpdesk.names import person_column

from .models import AuditEntry, LiveEvent, LiveStream, NoticePreference, Notification, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    """Proof that a worker took a task from the broker and ran it; the newest is the one that matters."""

    list_display = ["created_at", "hostname", "token"]
    search_fields = ["hostname"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", person_column("user", _("user")), "kind", "text", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "text", "key"]
    list_select_related = ["user"]
    show_full_result_count = False


@admin.register(NoticePreference)
class NoticePreferenceAdmin(ReadOnlyAdmin):
    """How each person chose to get each kind of notice (set on their preferences page)."""

    list_display = [person_column("user", _("user")), "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "ip", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["actor_name", "ip", "target_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(LiveStream)
class LiveStreamAdmin(ReadOnlyAdmin):
    """How far each live stream has counted (a page that reconnects asks for what came after its number)."""

    list_display = ["name", "last_seq"]
    search_fields = ["name"]
    show_full_result_count = False


@admin.register(LiveEvent)
class LiveEventAdmin(ReadOnlyAdmin):
    """The numbered changes kept for pages that reconnect; pruned by the beat after LIVE_EVENTS_KEEP_HOURS."""

    list_display = ["created_at", "stream", "seq", "kind", "payload"]
    search_fields = ["stream"]
    date_hierarchy = "created_at"
    show_full_result_count = False
