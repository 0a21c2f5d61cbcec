from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from helpdesk.admin_base import ReadOnlyAdmin
from helpdesk.names import person_column

from . import services
from .models import CareFollowUp, CaseRecord, SurveyInvitation, SurveyResponse, SurveyText

AGENT = person_column("agent", _("agent"))
HANDLED_BY = person_column("handled_by", _("handled by"))


@admin.register(SurveyText)
class SurveyTextAdmin(TranslationAdmin):
    list_display = ("key", "text")
    search_fields = ("key", "text")


class FeedbackRecordAdmin(ReadOnlyAdmin):
    """Written only by the services (and the customer's answer): shown, never edited, may be deleted."""

    may_delete = True


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(FeedbackRecordAdmin):
    list_display = ("ticket", "state", "due_at", "sent_at", "expires_at", "language", "country", "team", AGENT)
    list_filter = ("state", "language", "team")
    raw_id_fields = ("ticket", "agent")
    exclude = ("token_hash",)
    date_hierarchy = "due_at"
    actions = ["send_now", "send_again"]

    def _send(self, request: HttpRequest, queryset: QuerySet[SurveyInvitation], *, resend: bool) -> None:
        """Each chosen survey through the service (one email each, in the send log), noted in the
        admin's history; a survey that cannot be sent says why."""
        sent = 0
        for invitation in queryset.order_by("pk"):
            try:
                services.invitation_send_now(invitation_id=invitation.pk, resend=resend)
            except services.SurveyNotSent as error:
                self.message_user(request, f"{invitation}: {error.message}", messages.WARNING)
            else:
                sent += 1
                self.log_change(
                    request, invitation, gettext("Survey sent again.") if resend else gettext("Survey sent now.")
                )
        if sent:
            self.message_user(request, gettext("Surveys sent: %(count)d.") % {"count": sent}, messages.SUCCESS)

    @admin.action(description=_("Send now (a survey still waiting)"), permissions=["view"])
    def send_now(self, request: HttpRequest, queryset: QuerySet[SurveyInvitation]) -> None:
        self._send(request, queryset, resend=False)

    @admin.action(description=_("Send again with a new link (a survey already sent)"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[SurveyInvitation]) -> None:
        self._send(request, queryset, resend=True)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(FeedbackRecordAdmin):
    list_display = ("ticket", "rating", "language", "country", "team", AGENT, "updated_at")
    list_filter = ("rating", "language", "team")
    raw_id_fields = ("invitation", "ticket", "agent")
    search_fields = ("comment",)


@admin.register(CareFollowUp)
class CareFollowUpAdmin(FeedbackRecordAdmin):
    list_display = ("ticket", "team", "due_at", "is_open", "outcome", "attempts", HANDLED_BY)
    list_filter = ("is_open", "outcome", "team")
    raw_id_fields = ("response", "ticket", "handled_by")


@admin.register(CaseRecord)
class CaseRecordAdmin(admin.ModelAdmin):
    list_display = ("ticket", "category", "country", "rating", "compensation_usd", "solved_at")
    list_filter = ("category", "rating", "country")
    search_fields = ("problem", "solution")
    raw_id_fields = ("ticket", "summary_author")
    readonly_fields = ("ticket", "compensation", "compensation_usd", "rating", "solved_at", "recorded_at")
    fields = (
        "ticket",
        "category",
        "team",
        "language",
        "country",
        "problem",
        "solution",
        "solution_by_agent",
        "compensation",
        "compensation_usd",
        "delay_days",
        "resolution_hours",
        "rating",
        "solved_at",
        "recorded_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CaseRecord, form: Any, change: bool) -> None:
        from .services.cases import _refresh_search

        super().save_model(request, obj, form, change)
        _refresh_search(obj.pk)
