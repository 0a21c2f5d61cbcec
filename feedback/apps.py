from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Surveys and case library")

    def ready(self) -> None:
        from tickets.panels import register_panel
        from tickets.services.email import register_redactor
        from tickets.signals import ticket_status_changed

        from .panel import cases_panel
        from .receivers import on_ticket_status_changed
        from .tokens import redact_survey_links

        ticket_status_changed.connect(on_ticket_status_changed, dispatch_uid="feedback.status_changed")
        register_panel("cases", template="feedback/cases_panel.html", context=cases_panel, order=60)
        register_redactor(redact_survey_links)
