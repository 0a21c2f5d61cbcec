"""The Django admin: where an administrator sets up teams, agents, categories and canned replies,
and inspects tickets, messages and email logs.

State that has one write path (a ticket's status, its history, messages, the email log) is
read-only here; the few ticket fields an admin may change go through the ticket services, so
the history records who changed what.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from helpdesk import roles
from helpdesk.errors import ServiceError
from helpdesk.names import person_column, person_name

from . import services
from .admin_saved_views import SavedViewAdmin  # noqa: F401  (registers the saved views' page)
from .admin_setup import AgentProfileInline, CustomerAdminForm, UserAdmin  # noqa: F401  (registers the setup pages)
from .admin_workflow import MacroAdmin, TagAdmin  # noqa: F401  (registers the tag and macro pages)
from .history import event_label, event_rows, event_values
from .models import (
    Attachment,
    InboundEmail,
    Message,
    OutboundEmail,
    SlaBreach,
    SlaClock,
    Ticket,
    TicketEvent,
)
from .scope import can_see_ticket

User = get_user_model()
HISTORY_SHOWN = 50
ASSIGNEE = person_column("assignee", _("Assignee"))


class ReadOnlyMixin:
    """Rows written only by the system: shown, never added, edited or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Tickets -------------------------------------------------------------------------------


class TicketAdminForm(forms.ModelForm):
    """Only what the ticket services can change; each change is recorded in the ticket's history."""

    class Meta:
        model = Ticket
        fields = ["priority", "category", "assignee", "language"]

    user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.changed_data and not can_see_ticket(self.user, self.instance):
            raise forms.ValidationError(_("You need the permission to work this ticket to change it."))
        assignee = data.get("assignee")
        if assignee is not None and "assignee" in self.changed_data:
            profile = getattr(assignee, "agent_profile", None)
            if not roles.is_agent(assignee) or profile is None or profile.team_id != self.instance.team_id:
                self.add_error("assignee", _("Choose an agent of the ticket's team."))
        return data


TICKET_SHOWN = ("reference", "subject", "customer", "order", "status", "team", "channel")
TICKET_TIMES: tuple[str, ...] = ("created_at", "updated_at", "last_activity_at", "first_customer_message_at")
TICKET_TIMES += ("first_response_at", "solved_at", "closed_at", "sla_due_at", "sla_state")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    list_display = ["reference", "subject", "status", "priority", "team", ASSIGNEE, "created_at"]
    list_filter = ["status", "priority", "team", "channel", "category", "language"]
    search_fields = ["subject", "customer__email"]
    list_select_related = ["team", "assignee"]
    autocomplete_fields = ["assignee"]
    show_full_result_count = False  # no second COUNT(*) over every ticket on each page
    # Status and the times it stamps change only through the services (one write path).
    fieldsets = [
        (None, {"fields": TICKET_SHOWN}),
        (_("Change through the ticket rules"), {"fields": ["priority", "category", "assignee", "language"]}),
        (_("Facts"), {"fields": ["facts"]}),
        (_("Times"), {"fields": TICKET_TIMES}),
        (_("Links"), {"fields": ["follow_up_of", "merged_into", "conversation", "history"]}),
    ]
    readonly_fields = [*TICKET_SHOWN, "facts", *TICKET_TIMES, "follow_up_of", "merged_into", "conversation", "history"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tickets arrive through a channel, with the customer's first message

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history, SLA records and the case library refer to it

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # type: ignore[attr-defined]  # read by TicketAdminForm.clean
        return form

    @admin.display(description=_("reference"), ordering="id")
    def reference(self, ticket: Ticket) -> str:
        return ticket.reference

    @admin.display(description=_("messages"))
    def conversation(self, ticket: Ticket) -> str:
        url = reverse("admin:tickets_message_changelist") + f"?ticket__id__exact={ticket.pk}"
        count = ticket.messages.count()
        return format_html(
            '<a href="{}">{}</a>', url, ngettext("%(count)d message", "%(count)d messages", count) % {"count": count}
        )

    @admin.display(description=_("history"))
    def history(self, ticket: Ticket) -> str:
        events = list(ticket.events.select_related("actor").order_by("-created_at", "-id")[:HISTORY_SHOWN])
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(row.when).strftime("%Y-%m-%d %H:%M"),
                    row.actor_name or gettext("system"),
                    row.label,
                    f"{row.old} → {row.new}" if row.old else row.new,
                )
                for row in event_rows(ticket, events)
            ),
        )
        return format_html("<table>{}</table>", rows) if rows else "-"

    def save_model(self, request: HttpRequest, obj: Ticket, form: Any, change: bool) -> None:
        ticket = Ticket.objects.get(pk=obj.pk)  # as stored: the services compare old with new
        data, actor = form.cleaned_data, request.user
        setters = {
            "category": lambda: services.ticket_set_category(ticket=ticket, category=data["category"], actor=actor),
            "language": lambda: services.ticket_set_language(ticket=ticket, language=data["language"], actor=actor),
            "priority": lambda: services.ticket_set_priority(ticket=ticket, priority=data["priority"], actor=actor),
            "assignee": lambda: services.ticket_assign(ticket=ticket, assignee=data["assignee"], actor=actor),
        }
        try:
            with transaction.atomic():
                for field in form.changed_data:
                    setters[field]()
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "ticket", "kind", person_column("author", _("author")), "channel", "short_body", "created_at"]
    list_filter = ["kind", "channel", "is_automatic"]
    search_fields = ["ticket__subject", "ticket__customer__email"]
    list_select_related = ["ticket", "author"]
    show_full_result_count = False

    @admin.display(description=_("message"))
    def short_body(self, message: Message) -> str:
        return Truncator(message.body).chars(80)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["original_name", "ticket", "content_type", "size", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["ticket"]
    fields = ("original_name", "ticket", "message", "content_type", "size", "sha256", "created_at", "download")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, attachment: Attachment) -> str:
        url = reverse("tickets_api:attachment-download", args=[attachment.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))


class _EventChangeList(ChangeList):
    """The page's events with their values as people read them: names, not usernames or ids."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        events = list(self.result_list)
        for event, shown in zip(events, event_values(events), strict=True):
            event.shown = shown


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The ticket history: kept as it happened, so nobody may add, edit or delete it (admins neither)."""

    list_display = ["created_at", "ticket", "what", "old", "new", "by"]
    list_filter = ["kind"]
    search_fields = ["ticket__subject"]
    list_select_related = ["ticket", "actor"]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _EventChangeList

    @admin.display(description=_("old value"))
    def old(self, event: TicketEvent) -> str:
        return getattr(event, "shown", (event.old_value, ""))[0]

    @admin.display(description=_("new value"))
    def new(self, event: TicketEvent) -> str:
        return getattr(event, "shown", ("", event.new_value))[1]

    @admin.display(description=_("event"), ordering="kind")
    def what(self, event: TicketEvent) -> str:
        return event_label(event.kind)

    @admin.display(description=_("by"), ordering="actor")
    def by(self, event: TicketEvent) -> str:
        return person_name(event.actor) or gettext("system")


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["ticket", "metric", "target_minutes", "started_at", "due_at", "state"]
    list_filter = ["metric"]
    list_select_related = ["ticket"]


@admin.register(SlaBreach)
class SlaBreachAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["ticket", "metric", "due_at", "recorded_at"]
    list_filter = ["metric"]
    list_select_related = ["ticket"]
    date_hierarchy = "recorded_at"


# --- Email logs ----------------------------------------------------------------------------


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "state", "attempts", "due_at", "sent_at", "ticket"]
    list_filter = ["state"]
    search_fields = ["to", "subject", "key"]
    list_select_related = ["ticket"]
    exclude = ["body_html"]
    actions = ["retry_now"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tickets.change_outboundemail")

    @admin.action(description=_("Retry now (failed emails)"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        retried = services.emails_retry_failed(ids=queryset.values_list("pk", flat=True))
        for email in OutboundEmail.objects.filter(pk__in=retried):
            self.log_change(request, email, [{"changed": {"fields": ["state"]}}])
        self.message_user(
            request,
            ngettext("%(count)d email will be sent again.", "%(count)d emails will be sent again.", len(retried))
            % {"count": len(retried)},
            messages.SUCCESS if retried else messages.WARNING,
        )


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["received_at", "message_id", "source", "state", "short_reason", "ticket"]
    list_filter = ["state", "source"]
    search_fields = ["message_id", "reason"]
    list_select_related = ["ticket"]
    fields = ("received_at", "message_id", "source", "state", "reason", "ticket", "raw_text")
    readonly_fields = fields

    @admin.display(description=_("reason"))
    def short_reason(self, inbound: InboundEmail) -> str:
        return Truncator(inbound.reason).chars(100)

    @admin.display(description=_("message as received"))
    def raw_text(self, inbound: InboundEmail) -> str:
        text = bytes(inbound.raw or b"")[:20_000].decode("utf-8", errors="replace")
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)
